#!/usr/bin/env python3
"""Selects the demo subset of the product referential sample shipped in assets/demo/.

Usage: tools/select_demo_subset.py SOURCE_DIR OUT_DIR

SOURCE_DIR holds products.jsonl, books.jsonl and zxing_photo_matches.json in the
format described in assets/demo/README.md. The selection is deterministic
(ordered by SHA-256 of "vitrine-demo:" + gtin14): every product named in
zxing_photo_matches.json, all records of the 2026 Open Food Facts part that pass
the check digit and have a name (they carry brands, categories and allergens), 2,000 records of
the 2018 part, and 1,000 books. Records are copied unchanged.
"""
import hashlib
import json
import os
import sys


def key(rec):
    return hashlib.sha256(("vitrine-demo:" + rec["gtin14"]).encode()).hexdigest()


def main(src, out):
    photos = json.load(open(os.path.join(src, "zxing_photo_matches.json")))
    forced = {m["gtin"].zfill(14) for m in photos["matches"]}
    products = [json.loads(l) for l in open(os.path.join(src, "products.jsonl"), encoding="utf-8")]
    books = [json.loads(l) for l in open(os.path.join(src, "books.jsonl"), encoding="utf-8")]
    part_a = [r for r in products if r["source"] == "off-2026-bobcorn" and r["gtin_valid"] and (r["name"] or "").strip()]
    part_b = sorted((r for r in products if r["source"] == "off-2018-lifyzer"), key=key)
    chosen = {r["gtin14"]: r for r in part_a}
    for r in products:
        if r["gtin14"] in forced:
            chosen[r["gtin14"]] = r
    for r in part_b:
        if len(chosen) >= len(part_a) + 2000:
            break
        chosen.setdefault(r["gtin14"], r)
    missing = forced - set(chosen)
    if missing:
        sys.exit(f"photo products missing from the source: {sorted(missing)}")
    with open(os.path.join(out, "products.jsonl"), "w", encoding="utf-8") as f:
        for r in sorted(chosen.values(), key=lambda r: r["gtin14"]):
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    picked_books = sorted(books, key=key)[:1000]
    with open(os.path.join(out, "books.jsonl"), "w", encoding="utf-8") as f:
        for r in sorted(picked_books, key=lambda r: r["gtin14"]):
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(chosen)} products, {len(picked_books)} books")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
