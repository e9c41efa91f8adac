"""Renders Markdown files with Python-Markdown as MkDocs does (its default
extensions toc, tables and fenced_code, plus the rest of `extra`: attr_list,
def_list, footnotes, abbr, md_in_html), for tests/integration/common/renderers.rs.

Usage: python python_markdown.py LIST OUT_DIR
LIST holds one input path per line; each is written to OUT_DIR/<n>.python-markdown.html.
"""
import os
import sys

import markdown

EXTENSIONS = ["toc", "tables", "fenced_code", "extra"]


def main():
    list_path, out_dir = sys.argv[1], sys.argv[2]
    with open(list_path, encoding="utf-8") as f:
        inputs = [line for line in f.read().split("\n") if line]
    for n, path in enumerate(inputs):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        html = markdown.markdown(text, extensions=EXTENSIONS)
        with open(os.path.join(out_dir, f"{n}.python-markdown.html"), "w", encoding="utf-8") as f:
            f.write(html)


if __name__ == "__main__":
    main()
