"""Hand-made .docx files for the reader's tests: a real python-docx document
whose body XML is replaced by the WordprocessingML under test.

Each construct Word writes around text (tracked changes, fields, smart
tags, content controls, text boxes …) gets a body of its own, so a test
can say exactly which text must be read and which must not.
"""

from __future__ import annotations

import io
import zipfile

import docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _template() -> tuple[bytes, str]:
    document = docx.Document()
    document.add_paragraph("TEMPLATE")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return data, z.read("word/document.xml").decode("utf-8")


def r(text: str) -> str:
    """A run of plain text."""
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*inner: str) -> str:
    """A paragraph of the given inline XML (runs, insertions, fields …)."""
    return f"<w:p>{''.join(inner)}</w:p>"


def docx_with_body(body: str, prolog: str = "", extra_parts: dict[str, bytes] | None = None,
                   document_xml: str | None = None) -> bytes:
    """A .docx whose ``<w:body>`` holds ``body`` (paragraph-level XML).
    ``prolog`` goes between the XML declaration and the root element (a
    DOCTYPE, say); ``document_xml`` replaces the whole part."""
    data, xml = _template()
    head, _, rest = xml.partition("<w:body>")
    _, _, tail = rest.partition("</w:body>")
    if prolog:
        decl, _, root = head.partition("?>")
        head = decl + "?>" + prolog + root
    new_xml = document_xml if document_xml is not None else head + "<w:body>" + body + "<w:sectPr/></w:body>" + tail
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = new_xml.encode("utf-8") if item.filename == "word/document.xml" else zin.read(item.filename)
            zout.writestr(item, content)
        for name, content in (extra_parts or {}).items():
            zout.writestr(name, content)
    return out.getvalue()


#: construct → (body XML, text that must be read, text that must not be).
CONSTRUCTS: dict[str, tuple[str, list[str], list[str]]] = {
    "plain runs": (p(r("职工"), r("之家")), ["职工之家"], []),
    "tracked insertion w:ins": (p(r("维护"), f'<w:ins w:id="1" w:author="a">{r("职工合法")}</w:ins>', r("权益")),
                                ["维护职工合法权益"], []),
    "tracked deletion w:del": (p(r("保留"), '<w:del w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>'),
                               ["保留"], ["删除"]),
    "moved text": (p('<w:moveFrom w:id="3" w:author="a">' + r("旧位置") + "</w:moveFrom>", r("甲"),
                     '<w:moveTo w:id="4" w:author="a">' + r("新位置") + "</w:moveTo>"), ["甲新位置"], ["旧位置"]),
    "simple field w:fldSimple": (p(r("第"), '<w:fldSimple w:instr=" PAGE ">' + r("三") + "</w:fldSimple>", r("页")),
                                 ["第三页"], ["PAGE"]),
    "complex field": (p(r("日期"), '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                        '<w:r><w:instrText xml:space="preserve"> DATE \\@ "yyyy" </w:instrText></w:r>',
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r("2016年"),
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'), ["日期2016年"], ["DATE"]),
    "smart tag": (p(r("在"), '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
                             + r("北京市") + "</w:smartTag>", r("召开")), ["在北京市召开"], []),
    "inline content control": (p(r("主持人："), "<w:sdt><w:sdtPr><w:alias w:val=\"name\"/></w:sdtPr><w:sdtContent>"
                                 + r("张同志") + "</w:sdtContent></w:sdt>"), ["主持人：张同志"], []),
    "block content control": ("<w:sdt><w:sdtPr/><w:sdtContent>" + p(r("块级控件里的段落")) + p(r("第二段"))
                              + "</w:sdtContent></w:sdt>", ["块级控件里的段落", "第二段"], []),
    "custom XML": ("<w:customXml w:element=\"speech\">" + p(r("自定义XML中的段落")) + "</w:customXml>",
                   ["自定义XML中的段落"], []),
    "hyperlink": (p(r("详见"), '<w:hyperlink w:anchor="x">' + r("附件") + "</w:hyperlink>"), ["详见附件"], []),
    "table and cell content control": (
        "<w:tbl><w:tr><w:tc>" + p(r("甲单元格")) + "</w:tc><w:tc><w:sdt><w:sdtContent>" + p(r("乙单元格"))
        + "</w:sdtContent></w:sdt></w:tc></w:tr></w:tbl>", ["甲单元格", "乙单元格"], []),
    "merged cell read once": (
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p(r("合并单元格")) + "</w:tc></w:tr></w:tbl>",
        ["合并单元格"], []),
    "nested table": ("<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc>" + p(r("嵌套表格")) + "</w:tc></w:tr></w:tbl>"
                     + p("") + "</w:tc></w:tr></w:tbl>", ["嵌套表格"], []),
    "tab, break, hyphen": (p('<w:r><w:t>一</w:t><w:tab/><w:t>二</w:t><w:br/><w:t>三</w:t><w:noBreakHyphen/>'
                             '<w:t>四</w:t></w:r>'), ["一\t二", "三-四"], []),
    "text box once (choice, not fallback)": (
        p(r("正文"), '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
          + p(r("文本框内容")) + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
          "<v:textbox><w:txbxContent>" + p(r("文本框内容")) + "</w:txbxContent></v:textbox></w:pict>"
          "</mc:Fallback></mc:AlternateContent></w:r>"), ["正文", "文本框内容"], []),
}
