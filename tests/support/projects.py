"""Projects to build: the repository's configuration with other seeds or
other plugin options, and ``mkdocs build`` on them.

A project's mkdocs.yml is generated, never edited as text: it inherits the
repository's mkdocs.yml (``INHERIT``) and sets the few keys that differ —
absolute paths, and the ``plugins`` list, taken from the repository's
mkdocs.yml as data with the options given here (``kb`` options such as
``search: material`` or ``seeds_dir``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Optional

import yaml

from . import ROOT, SEEDS, engine_command


def repo_plugins() -> list[Any]:
    """The ``plugins`` list of the repository's mkdocs.yml, as data
    (``!ENV`` values resolved as mkdocs would)."""
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with open(ROOT / "mkdocs.yml", "rb") as f:
        return yaml_load(f, get_yaml_loader())["plugins"]


def plugins(kb: Optional[dict] = None, search: Optional[dict] = None) -> list[Any]:
    """The repository's plugins with ``kb`` options and material
    ``search`` options updated, and every relative path made absolute."""
    out = []
    for entry in repo_plugins():
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        options = dict(options or {})
        if name == "search":
            if "jieba_dict_user" in options:
                options["jieba_dict_user"] = str(ROOT / options["jieba_dict_user"])
            options.update(search or {})
        if name == "kb":
            options.update(kb or {})
        out.append({name: options} if options else name)
    return out


def write_config(project: Path, kb: Optional[dict] = None, search: Optional[dict] = None,
                 **settings: Any) -> Path:
    """Write ``project/mkdocs.yml``: the repository's configuration with
    the theme's overrides from the repository, no ``watch`` list, the
    plugins of ``plugins(kb, search)`` and any top-level ``settings``
    (merged into the inherited ones; ``theme`` is merged key by key)."""
    config: dict[str, Any] = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "watch": [],
        "theme": {"custom_dir": str(ROOT / "overrides")},
        "plugins": plugins(kb, search),
    }
    for key, value in settings.items():
        if key == "theme":
            config["theme"].update(value)
        else:
            config[key] = value
    path = project / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_project(tmp_path: Path, speeches: Optional[dict[str, str]] = None, **config: Any) -> Path:
    """A project with the repository's docs/, themes.yml and configuration
    (``write_config(**config)``) and its own seeds/: the real seeds unless
    ``speeches`` maps file names to texts."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "themes.yml", project / "themes.yml")
    write_config(project, **config)
    seeds = project / "seeds"
    if speeches is None:
        shutil.copytree(SEEDS, seeds)
    else:
        seeds.mkdir()
        for name, text in speeches.items():
            (seeds / name).write_text(text, encoding="utf-8")
    return project


def mkdocs_env(**extra: str) -> dict[str, str]:
    """The environment for running mkdocs in a test."""
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", **extra)


def mkdocs_build(project: Path, site_dir: Path, strict: bool = True, config: Optional[Path] = None,
                 env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess:
    """Run ``mkdocs build`` for ``project`` (a folder with mkdocs.yml, or
    ``config``) into ``site_dir``."""
    config = config or project / "mkdocs.yml"
    cmd = [*engine_command("build"), "-q", "-f", str(config), "-d", str(site_dir)]
    if strict:
        cmd.append("--strict")
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env or mkdocs_env(), timeout=600)
