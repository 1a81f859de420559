#!/usr/bin/env python3
"""Prepares the URL sets of bench/distinct.sh from a running server and the corpus titles.

    distinct_prepare.py BASE_URL SLUG TITLES_FILE OUT_DIR

Writes, for bench/distinct.lua:
  OUT_DIR/items.txt  "slug lo hi": the agency's item ids run from lo to hi (the smallest and the
                     largest of the agency's list, read through the JSON API); a sample of ids in the range is checked
                     and the share that answers 200 is printed, so a gap in the ids shows.
  OUT_DIR/lists.txt  the slug, then "pages category": the agency's whole list (category "-"),
                     then every category of its catalogue that has items (pages of 20, as the
                     portal shows them), the category URL-encoded.
  OUT_DIR/vocab.txt  a vocabulary taken from the corpus titles, one URL-encoded word a line: the
                     titles cut at digits, punctuation and the template words (关于, 印发, 的, 年,
                     工作, 通知…), keeping pieces of 2-12 characters seen at least twice, plus the
                     template words themselves.
  OUT_DIR/common.txt words common in the bodies, the same way: the 80 pairs of Chinese characters
                     found in the most of 100 items' bodies read through the API (in this corpus,
                     each in nearly every item: 落实, 工作, 推进…), so that two of them find most of
                     the items. Searches for such words are the hardest: every hit has every word.
Prints one line: "items LO-HI (share answering 200) · lists L (pages P) · vocabulary V".
"""

import json
import random
import re
import sys
import urllib.parse
import urllib.request
from collections import Counter


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.load(r)


def status(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    base, slug, titles_file, out = sys.argv[1:5]
    q = urllib.parse.quote
    api = f"/api/v1/agencies/{slug}"

    # Ids are not in date order, so the first and last of a list do not bound them: read every
    # page of the list (100 a page) and take the smallest and the largest.
    ids, page = [], 1
    while True:
        got = get(base, f"{api}/items?per_page=100&page={page}")["items"]
        if not got:
            break
        ids += [i["id"] for i in got]
        page += 1
    if not ids:
        sys.exit("distinct_prepare: the agency has no items")
    lo, hi = min(ids), max(ids)
    rng = random.Random(7)
    sample = [rng.randint(lo, hi) for _ in range(200)]
    ok = sum(status(base, f"/agencies/{slug}/items/{i}") == 200 for i in sample)
    # The agency's published annual reports: their pages and files (bench/distinct.lua's
    # `report`). A year not published is a 404, which the run would count as an error.
    years = [r["year"] for r in get(base, f"{api}/reports")]
    if not years:
        sys.exit("distinct_prepare: the agency has published no annual report")
    with open(f"{out}/reports.txt", "w") as f:
        f.write(slug + "\n" + "\n".join(str(y) for y in years) + "\n")
    with open(f"{out}/items.txt", "w") as f:
        f.write(f"{slug} {lo} {hi}\n")

    # The agency's whole list ("-"), then each category's.
    n = get(base, f"{api}/items?per_page=1")["total"]
    lines, pages_total = [f"{(n + 19) // 20} -"], (n + 19) // 20
    for cat in get(base, f"{api}/categories"):
        n = get(base, f"{api}/items?per_page=1&category={q(cat)}")["total"]
        if n == 0:
            continue
        pages = (n + 19) // 20
        pages_total += pages
        lines.append(f"{pages} {q(cat)}")
    with open(f"{out}/lists.txt", "w") as f:
        f.write(slug + "\n" + "\n".join(lines) + "\n")

    template = ["关于", "印发", "做好", "召开", "公布", "的", "年度", "年", "第", "次",
                "工作", "情况", "通知", "报告", "说明", "纪要", "要点", "方案", "计划"]
    cut = re.compile("|".join(map(re.escape, template)) + r"|[0-9]+|[^\u4e00-\u9fff]+")
    counts = Counter()
    with open(titles_file, encoding="utf-8") as f:
        for title in f:
            for piece in cut.split(title.strip()):
                if 2 <= len(piece) <= 12:
                    counts[piece] += 1
    words = sorted(w for w, c in counts.items() if c >= 2)
    words += [w for w in template if len(w) >= 2 and w not in ("关于", "印发", "做好", "年度")]
    if len(words) < 20:
        sys.exit(f"distinct_prepare: only {len(words)} words in the vocabulary")
    with open(f"{out}/vocab.txt", "w") as f:
        f.write("\n".join(q(w) for w in words) + "\n")

    # Words common in the bodies: the character pairs in the most of a sample of bodies.
    in_bodies = Counter()
    read = 0
    for i in rng.sample(ids, min(100, len(ids))):
        body = get(base, f"{api}/items/{i}").get("body_html", "")
        text = re.sub(r"<[^>]*>", "", body)
        in_bodies.update({text[j:j + 2] for j in range(len(text) - 1)
                          if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[j:j + 2])})
        read += 1
    common = [w for w, _ in in_bodies.most_common(80)]
    if len(common) < 20:
        sys.exit(f"distinct_prepare: only {len(common)} common words in {read} bodies")
    with open(f"{out}/common.txt", "w") as f:
        f.write("\n".join(q(w) for w in common) + "\n")
    share = in_bodies[common[-1]] / max(read, 1)

    print(f"items {lo}-{hi} ({ok / len(sample):.0%} of a sample answer 200) · "
          f"reports of {', '.join(str(y) for y in years)} · "
          f"lists {len(lines)} ({pages_total} pages) · vocabulary {len(words)} words · "
          f"{len(common)} common body words (each in at least {share:.0%} of {read} bodies)")


if __name__ == "__main__":
    main()
