"""Markdown to HTML: links between files, the writer's extensions, and champion-written text."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from bs4 import BeautifulSoup

from toolkit.markup import KIT, KIT_END, ROOT, champion_text, convert

TARGETS = {
    "content/about.md": ROOT + "about/",
    "content/index.md": ROOT,
    "content/guides/faq.md": ROOT + "guides/faq/",
    "content/kit/press-release.md": KIT + "press-release" + KIT_END,
    "content/images/map.svg": ROOT + "images/map.svg",
}


def resolve(path: PurePosixPath) -> str | None:
    return TARGETS.get(path.as_posix())


def html_of(body: str, source: str = "content/index.md") -> str:
    return convert(body, PurePosixPath(source), resolve).html


def warnings_of(body: str, source: str = "content/index.md") -> list[str]:
    return [str(p) for p in convert(body, PurePosixPath(source), resolve).problems]


@pytest.mark.parametrize(
    ("body", "source", "href"),
    [
        ("[About](about.md)", "content/index.md", ROOT + "about/"),
        ("[FAQ](guides/faq.md#first)", "content/index.md", ROOT + "guides/faq/#first"),
        ("[Release](kit/press-release.md)", "content/index.md", KIT + "press-release" + KIT_END),
        ("[Home](../index.md)", "content/guides/faq.md", ROOT),
        ("[About](../../about.md)", "content/guides/deep/x.md", ROOT + "about/"),
        ("[About](./about.md)", "content/index.md", ROOT + "about/"),
        (
            "[Release](press-release.md)",
            "content/kit/social-posts.md",
            KIT + "press-release" + KIT_END,
        ),
        ("[ref][r]\n\n[r]: about.md", "content/index.md", ROOT + "about/"),
    ],
)
def test_links_to_markdown_files_are_rewritten(body, source, href):
    assert html_of(body, source) == f'<p><a href="{href}">{body[1 : body.index("]")]}</a></p>'


def test_images_under_content_are_rewritten():
    assert (
        html_of("![A map](images/map.svg)")
        == f'<p><img src="{ROOT}images/map.svg" alt="A map"></p>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/page.md",
        "http://example.org/",
        "mailto:team@example.org",
        "tel:+15555550100",
        "#section",
        "/about/",
        "//cdn.example.org/x.md",
    ],
)
def test_external_and_absolute_links_are_untouched(href):
    assert html_of(f"[x]({href})") == f'<p><a href="{href}">x</a></p>'
    assert warnings_of(f"[x]({href})") == []


@pytest.mark.parametrize(
    ("body", "source", "warning"),
    [
        (
            "[Gone](missing.md)",
            "content/index.md",
            "content/index.md:1:8: error: link to a missing file: missing.md",
        ),
        (
            "![Gone](images/gone.png)",
            "content/index.md",
            "content/index.md:1:9: error: link to a missing file: images/gone.png",
        ),
        (
            "[Up](../about.md)",
            "content/index.md",
            "content/index.md:1:6: error: link leaves content/: ../about.md",
        ),
        (
            "[Out](../../../etc/passwd)",
            "content/guides/faq.md",
            "content/guides/faq.md:1:7: error: link leaves content/: ../../../etc/passwd",
        ),
    ],
)
def test_missing_targets_are_located_errors_and_the_link_is_kept(body, source, warning):
    converted = convert(body, PurePosixPath(source), resolve)

    assert [str(p) for p in converted.problems] == [warning]
    target = body[body.index("(") + 1 : -1]
    assert f'="{target}"' in converted.html


def test_each_conversion_reports_only_its_own_problems():
    assert warnings_of("[Gone](missing.md)") == [
        "content/index.md:1:8: error: link to a missing file: missing.md"
    ]
    assert warnings_of("[About](about.md)") == []


def test_a_merge_field_link_is_left_for_the_merge():
    assert html_of("[Site]({{ champion.website }})") == (
        '<p><a href="{{ champion.website }}">Site</a></p>'
    )


def test_tables():
    assert html_of("| Year | Champions |\n| ---- | --------- |\n| 2025 | 10 |\n") == (
        "<table>\n<thead>\n<tr>\n<th>Year</th>\n<th>Champions</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>2025</td>\n<td>10</td>\n</tr>\n</tbody>\n</table>"
    )


def test_footnotes():
    html = html_of("A claim[^1].\n\n[^1]: The source.\n")

    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">' in html
    assert 'href="#fnref:1" title="Back to reference 1"' in html


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ('"Quoted"', "<p>“Quoted”</p>"),
        ("It's", "<p>It’s</p>"),
        ("9 -- 5", "<p>9 – 5</p>"),
        ("Wait --- what", "<p>Wait — what</p>"),
        ("And...", "<p>And…</p>"),
    ],
)
def test_smart_punctuation(body, html):
    assert html_of(body) == html


def test_headings_get_ids_and_are_listed():
    converted = convert(
        "# Title\n\n## First part\n\n## First part\n\n### Café details\n\n##### Too deep\n",
        PurePosixPath("content/a.md"),
        resolve,
    )

    assert (
        '<h2 id="first-part">First part<a class="headerlink" aria-label="Link to this section"'
        in converted.html
    )
    assert '<h2 id="first-part_1">' in converted.html
    assert converted.headings == (
        (2, "first-part", "First part"),
        (2, "first-part_1", "First part"),
        (3, "café-details", "Café details"),
    )


def test_heading_id_from_an_attribute_list_wins():
    converted = convert("## First question {#first}\n", PurePosixPath("content/a.md"), resolve)

    assert converted.html.startswith('<h2 id="first">First question')
    assert converted.headings == ((2, "first", "First question"),)


def test_heading_made_of_merge_fields_keeps_them_for_the_merge():
    converted = convert(
        "## {{ champion.name }} news\n\n## {{ champion.city }}\n",
        PurePosixPath("content/a.md"),
        resolve,
    )

    assert converted.headings == (
        (2, "news", "{{ champion.name }} news"),
        (2, "section", "{{ champion.city }}"),
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "This Saturday, **walk it with us**.",
            "<p>This Saturday, <strong>walk it with us</strong>.</p>",
        ),
        ("- one\n- two\n", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("> Shop local.", "<blockquote>\n<p>Shop local.</p>\n</blockquote>"),
        (
            "[Our site](https://riverside.example.org/)",
            '<p><a href="https://riverside.example.org/" rel="noopener noreferrer nofollow">'
            "Our site</a></p>",
        ),
        (
            "[Write](mailto:a@example.org)",
            '<p><a href="mailto:a@example.org" rel="noopener noreferrer nofollow">Write</a></p>',
        ),
        # A champion's headings sit below the page's own.
        ("# Big news\n\nText", "<h3>Big news</h3>\n<p>Text</p>"),
    ],
)
def test_champion_text_keeps_simple_markdown(text, html):
    assert champion_text(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<script>alert(1)</script>Hi", "Hi"),
        ("<img src=x onerror=alert(2)>", ""),
        ("<p onmouseover='steal()'>Hover</p>", "<p>Hover</p>"),
        (
            "<a href='https://ok.example.org/' onclick='steal()'>ok</a>",
            '<p><a href="https://ok.example.org/" rel="noopener noreferrer nofollow">ok</a></p>',
        ),
        # No link is made to these: their words stay on the page.
        ("[click](javascript:alert(3))", "<p>click</p>"),
        ("[click](JaVaScRiPt:alert(3))", "<p>click</p>"),
        ("[click]( javascript:alert(3))", "<p>click</p>"),
        ("<a href='vbscript:x'>v</a>", '<p><a rel="noopener noreferrer nofollow">v</a></p>'),
        ("[d](data:text/html;base64,PHNjcmlwdD4=)", "<p>d</p>"),
        ("<iframe src='https://evil.example.org/'></iframe>After", "After"),
        ("<object data='x.swf'></object>", "<p></p>"),
        ("<style>body { display: none }</style>Text", "Text"),
        ("<form action='https://evil.example.org/'><input name=pw></form>", ""),
        ("<b style='position:fixed'>b</b>", "<p><b>b</b></p>"),
    ],
)
def test_champion_text_strips_scripts_handlers_and_frames(text, html):
    assert champion_text(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script><img src=x onerror=alert(2)>[click](javascript:alert(3))",
        "<svg onload=alert(1)><iframe srcdoc='<script>x</script>'></iframe>",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    ],
)
def test_champion_text_leaves_nothing_that_can_run(text):
    soup = BeautifulSoup(champion_text(text), "html.parser")

    assert not soup.find_all(["script", "iframe", "svg", "img", "object", "style", "form"])
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            if name in ("href", "src"):
                assert value.lower().startswith(("https:", "http:", "mailto:", "tel:")), tag


def test_heading_attributes_give_classes_and_attributes():
    html = html_of("## Hours {#hours .faq .wide data-kind=times}\n")

    assert html.startswith('<h2 id="hours" class="faq wide" data-kind="times">Hours<a ')


def test_footnote_referred_to_twice_links_back_to_both():
    html = html_of("One[^a], two[^b], one again[^a].\n\n[^b]: Bee.\n[^a]: Ay.\n\n[^c]: Unused.\n")

    assert '<sup id="fnref:1">' in html
    assert '<sup id="fnref:1:1">' in html
    assert '<sup id="fnref:2">' in html
    # Numbered as first referred to, not as written; one never referred to is left out.
    assert html.index('<li id="fn:1"><p>Ay.') < html.index('<li id="fn:2"><p>Bee.')
    assert "Unused" not in html
    assert 'href="#fnref:1"' in html
    assert 'href="#fnref:1:1"' in html


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("- one\n- two\n", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("- one\n\n- two\n", "<ul>\n<li>\n<p>one</p>\n</li>\n<li>\n<p>two</p>\n</li>\n</ul>"),
        ("3. three\n4. four\n", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'),
        ("Term\n: What it means\n", "<dl>\n<dt>Term</dt>\n<dd>What it means</dd>\n</dl>"),
        ("~~gone~~ `a<b>`", "<p><s>gone</s> <code>a&lt;b&gt;</code></p>"),
        ("Line  \nbreak", "<p>Line<br>\nbreak</p>"),
        ("***", "<hr>"),
        ("<div>\nraw\n</div>\n\nafter", "<div>\nraw\n</div>\n<p>after</p>"),
        (
            '```py\nx = "<"\n```',
            '<pre><code class="language-py">x = &quot;&lt;&quot;\n</code></pre>',
        ),
        ("(c) (tm) (r) +- `(c)`", "<p>© ™ ® ± <code>(c)</code></p>"),
        ("    (c) -- indented\n", "<pre><code>(c) -- indented\n</code></pre>"),
        (
            "| Left | Right |\n|:-----|------:|\n| a | 1 |\n",
            '<table>\n<thead>\n<tr>\n<th style="text-align:left">Left</th>\n'
            '<th style="text-align:right">Right</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
            '<td style="text-align:left">a</td>\n<td style="text-align:right">1</td>\n'
            "</tr>\n</tbody>\n</table>",
        ),
        ("<https://example.org/a b>", "<p>&lt;https://example.org/a b&gt;</p>"),
        ("[x](<https://example.org/a b>)", '<p><a href="https://example.org/a%20b">x</a></p>'),
        ("[x](https://example.org/café)", '<p><a href="https://example.org/caf%C3%A9">x</a></p>'),
        ("<me@example.org>", '<p><a href="mailto:me@example.org">me@example.org</a></p>'),
        (
            '![A *map*](images/map.svg "The map")',
            f'<p><img src="{ROOT}images/map.svg" alt="A map" title="The map"></p>',
        ),
    ],
)
def test_the_html_of_each_kind_of_markdown(body, html):
    assert html_of(body) == html


def test_links_to_script_are_not_made_on_pages_either():
    assert html_of("[x](javascript:alert(1)) and [y](vbscript:z)") == "<p>x and y</p>"
    assert html_of("![dot](data:image/png;base64,iVBORw0KGgo=)") == (
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"></p>'
    )


def test_image_without_alt_text_is_a_located_warning():
    assert warnings_of("Text\n\n![](images/map.svg)") == [
        "content/index.md:3:5: warning: image has no alt text: images/map.svg"
        " (describe it in the brackets: ![what it shows](file))"
    ]


def test_words_in_braces_at_the_end_of_a_heading_stay_words():
    converted = convert("## Prices {per item}\n", PurePosixPath("content/a.md"), resolve)

    assert converted.html.startswith('<h2 id="prices-per-item">Prices {per item}<a ')
    assert converted.headings == ((2, "prices-per-item", "Prices {per item}"),)


def nesting(html: str) -> tuple[int, int]:
    """Return how deep quotes and lists go in `html`, and how many are left open."""
    from html.parser import HTMLParser

    depth, deepest = 0, 0

    class Depth(HTMLParser):
        def handle_starttag(self, tag, attrs):
            nonlocal depth, deepest
            if tag in ("blockquote", "ul", "ol", "li"):
                depth += 1
                deepest = max(deepest, depth)

        def handle_endtag(self, tag):
            nonlocal depth
            if tag in ("blockquote", "ul", "ol", "li"):
                depth -= 1

    Depth().feed(html)
    return deepest, depth


@pytest.mark.parametrize(
    "text", ["> - " * 3000 + "deep", ">" * 5000 + " deep", "- " * 400 + "deep"]
)
def test_quotes_and_lists_nest_twenty_deep_at_most(text):
    """Deeper ones are written flat: cleaning champion text takes time that grows with the
    square of its depth, and no reader follows a list twenty levels down."""
    for html in (html_of(text), champion_text(text)):
        assert nesting(html) == (20, 0)
        assert "deep" in html
