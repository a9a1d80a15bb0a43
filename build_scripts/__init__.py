"""工会讲话知识库: turn a folder of speeches into an annotated, theme-tagged
knowledge base.  The pipeline (read → clean → split → tag → ``Corpus``) lives
in ``pipeline``; ``generated`` (the pages) and ``export`` render it; ``plugin`` adapts it
to mkdocs; ``python -m build_scripts`` runs it without mkdocs.
"""
