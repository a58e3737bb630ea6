"""The demo catalogue's generator: factory offers, retail listings, the truth and the photo jobs, from one seed.

``Generator(rng, n_factory, n_retail).plan()`` decides everything (see docs/demo.md for the cases);
the plan (sourcefinder.demo.plan) is written to disk by sourcefinder.demo.catalogue, and its photos are
drawn by sourcefinder.demo.photos.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sourcefinder.demo import english_kinds as E
from sourcefinder.demo import kinds as K
from sourcefinder.demo.designs import Design, random_design, recolour, views_for
from sourcefinder.demo.main_photos import OWN_PHOTO, main_photo_kinds, plan_main_photo
from sourcefinder.demo.photo_edits import Edit, light_edit
from sourcefinder.demo.plan import FACTORY_SOURCE, RETAIL_SOURCE, Family, Offer, Plan
from sourcefinder.demo.titles import factory_title, model_code, retail_title, spell_code

# Families drawn at random are English-titled (export goods with model codes) this often; with the
# model-sibling lines (all English) about 1 family in 10 is.
ENGLISH_SHARE = 0.06


class Generator:
    """Decides the catalogue from one random stream; ``plan()`` returns it."""

    def __init__(self, rng: random.Random, n_factory: int, n_retail: int) -> None:
        self.rng = rng
        self.n_factory = n_factory
        self.n_retail = n_retail
        self.hard = max(2, round(n_factory / 30))
        self.used_ids: set[str] = set()
        self.used_series: set[tuple[str, str, str]] = set()
        self.out = Plan()
        self.companies: dict[str, list[dict[str, Any]]] = {}
        self.shops = self._shops(max(30, n_retail // 3))

    # ids, companies, shops

    def _new_id(self, low: int, high: int) -> str:
        while True:
            value = str(self.rng.randint(low, high))
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def _company(self, kind: K.Kind, avoid: dict[str, Any] | None = None) -> dict[str, Any]:
        """A factory making this kind: reuses one of the kind's few companies, or founds a new one."""
        pool = self.companies.setdefault(kind.key, [])
        choices = [c for c in pool if c is not avoid]
        if choices and (len(pool) >= 4 or self.rng.random() < 0.5):
            return self.rng.choice(choices)
        province, city = self.rng.choice(kind.places)
        word, latin = self.rng.choice(K.COMPANY_WORDS)
        producer = self.rng.random() < 0.8
        name = f"{city}市{word}{kind.industry}有限公司" if producer else f"{city}市{word}贸易商行"
        roll = self.rng.random()
        badges = ["超级工厂", "实力商家"] if roll < 0.15 else ["实力商家"] if roll < 0.4 else []
        company = {
            "name": name,
            "login_id": f"{word}{kind.industry[:2]}{'工厂' if producer else '商行'}",
            "handle": latin,
            "card_type": "factory" if producer else "default",
            "badges": badges,
            "province": province,
            "city": city,
        }
        pool.append(company)
        return company

    def _shops(self, count: int) -> list[dict[str, Any]]:
        names = [(p, s) for p in K.SHOP_PREFIXES for s in K.SHOP_SUFFIXES]
        self.rng.shuffle(names)
        shops = []
        for (prefix, handle), (suffix, latin, is_tmall) in names[:count]:
            shops.append(
                {
                    "nick": prefix + suffix,
                    "handle": f"{handle}.{latin}",
                    "is_tmall": is_tmall,
                    "user_id": str(self.rng.randint(100_000_000, 3_999_999_999)),
                }
            )
        return shops

    # products

    def _kind(self) -> K.Kind:
        """A kind at random: English-titled ``ENGLISH_SHARE`` of the time."""
        return self.rng.choice(E.ENGLISH_KINDS if self.rng.random() < ENGLISH_SHARE else K.KINDS)

    def _family(self, kind: K.Kind) -> Family:
        rng = self.rng
        pattern = "plain" if rng.random() < 0.4 else rng.choice(K.PATTERNS[1:])
        design = random_design(rng, kind.shape, (0, 0, 0), rng.choice(K.ACCENTS), pattern)
        family = Family(
            kind=kind,
            design=design,
            words=rng.sample(kind.words, rng.randint(3, 4)),
            material=rng.choice(kind.materials),
            extra={name: rng.choice(values) for name, values in kind.extra.items()},
            price=round(rng.uniform(*kind.price), 1),
        )
        if kind.line:
            family.brand = rng.choice(E.BRANDS)
            family.series = self._series(kind.key, kind.line)
        return family

    def _series(self, key: str, line: K.ModelLine) -> tuple[str, str]:
        """The letters of a new English line's model codes, unlike those of the kind's other lines."""
        free = [(p, t) for p in line.prefixes for t in line.tails if (key, p, t) not in self.used_series]
        prefix, tail = self.rng.choice(free) if free else (line.prefixes[0], f"V{len(self.used_series)}")
        self.used_series.add((key, prefix, tail))
        return prefix, tail

    def _look(self, family: Family, colour: str) -> Design:
        return recolour(family.design, K.COLOURS[colour])

    def _size_of(self, kind: K.Kind) -> str:
        return ",".join(kind.sizes) if kind.multi_size else self.rng.choice(kind.sizes)

    # factory offers

    def _tiers(self, price: float) -> tuple[int, list[dict[str, float | int]]]:
        rng = self.rng
        moq = rng.choices((1, 2, 3, 10, 50), (70, 8, 7, 8, 7))[0]
        steps = [s for s in rng.choice(((50, 200), (100, 500), (30, 100), (200, 1000))) if s > moq]
        count = rng.choices((1, 2, 3), (15, 25, 60))[0]
        breaks = [moq] + steps[: count - 1]
        return moq, [
            {"min_qty": qty, "price": round(price * (1 - 0.08 * i - rng.uniform(0, 0.03)), 2)}
            for i, qty in enumerate(breaks)
        ]

    def _factory_fee(self) -> float | None:
        """Most offers charge 3-8 yuan a piece; some ship free, some do not say (None)."""
        roll = self.rng.random()
        return None if roll < 0.15 else 0.0 if roll < 0.3 else self.rng.randint(6, 16) / 2

    def _offer(self, family: Family, colour: str, size: str, company: dict, with_colour: bool) -> Offer:
        rng = self.rng
        offer = Offer(self._new_id(520_000_000_000, 899_999_999_999), family, colour, size, company)
        kind = family.kind
        step = kind.sizes.index(size) if size in kind.sizes else 0
        moq, tiers = self._tiers(family.price * (1.15**step) * rng.uniform(0.92, 1.08))
        attributes = {"颜色": colour, kind.size_attr: size, "材质": family.material}
        attributes |= family.extra | {
            "货号": f"{kind.code}-{rng.randint(100, 9999)}",
            "产地": company["city"],
        }
        if kind.line:
            attributes |= {"品牌": family.brand, "型号": model_code(family, size)}
        offer.data = {
            "id": offer.id,
            "title": factory_title(rng, family, size, colour if with_colour else None),
            "category": kind.category,
            "unit": kind.unit,
            "price_tiers": tiers,
            "moq": moq,
            "shipping_fee": self._factory_fee(),
            "company": company["name"],
            "login_id": company["login_id"],
            "card_type": company["card_type"],
            "badges": company["badges"],
            "province": company["province"],
            "city": company["city"],
            "sales": int(rng.lognormvariate(5.5, 1.4)),
            "labels": rng.sample(K.FACTORY_LABELS, rng.randint(1, 3)),
            "attributes": attributes,
            "sku_props": [
                {"prop": "颜色", "values": [colour]},
                {"prop": kind.size_attr, "values": size.split(",")},
            ],
        }
        return offer

    def _add_offer(self, offer: Offer, images: list[str]) -> Offer:
        offer.images = images
        offer.data["images"] = images
        self.out.factory.append(offer.data)
        return offer

    def _rendered(self, offer: Offer, design: Design) -> Offer:
        count = self.rng.choices((3, 4, 5), (50, 35, 15))[0]
        paths = [f"img/1688/{offer.id}_{i}.jpg" for i in range(count)]
        for path, view in zip(paths, views_for(self.rng, len(paths)), strict=True):
            self.out.renders.append((path, design, view))
        return self._add_offer(offer, paths)

    def _derived(self, offer: Offer, source: Offer, edit_for: Callable[[], Edit | None]) -> Offer:
        """An offer whose photos are the source offer's, copied byte for byte (edit None) or edited."""
        paths = [f"img/1688/{offer.id}_{i}.jpg" for i in range(len(source.images))]
        self.out.edits += [(path, src, edit_for()) for path, src in zip(paths, source.images, strict=True)]
        return self._add_offer(offer, paths)

    def _factories(self) -> list[tuple[str, list[Offer]]]:
        """The factory offers, as retail targets: (case, offers a reseller of this target truly buys from)."""
        rng, hard, targets = self.rng, self.hard, []
        sized = [k for k in K.KINDS if not k.multi_size]
        for _ in range(hard):  # colour siblings: one design, same size, two or three colours
            family = self._family(self._kind())
            size, company = self._size_of(family.kind), self._company(family.kind)
            for colour in rng.sample(family.kind.colours, rng.randint(2, 3)):
                offer = self._offer(family, colour, size, company, with_colour=True)
                targets.append(("colour_sibling", [self._rendered(offer, self._look(family, colour))]))
        for _ in range(hard):  # size siblings: one design and colour, two sizes, the very same photos
            family = self._family(rng.choice(sized))
            colour, company = rng.choice(family.kind.colours), self._company(family.kind)
            first, second = rng.sample(family.kind.sizes, 2)
            offer = self._rendered(
                self._offer(family, colour, first, company, False), self._look(family, colour)
            )
            sibling = self._derived(self._offer(family, colour, second, company, False), offer, lambda: None)
            targets += [("size_sibling", [offer]), ("size_sibling", [sibling])]
        for _ in range(hard):  # one product, two factories; the second re-posts the first one's photos
            family = self._family(self._kind())
            colour, size = rng.choice(family.kind.colours), self._size_of(family.kind)
            first_company = self._company(family.kind)
            offer = self._offer(family, colour, size, first_company, rng.random() < 0.5)
            offer = self._rendered(offer, self._look(family, colour))
            twin = self._offer(family, colour, size, self._company(family.kind, avoid=first_company), False)
            twin = self._derived(twin, offer, functools.partial(light_edit, rng, twin.company["handle"]))
            targets.append(("two_factories", [offer, twin]))
        for _ in range(hard):
            targets += self._model_siblings(self._family(rng.choice(E.ENGLISH_KINDS)))
        while len(self.out.factory) < self.n_factory:
            family = self._family(self._kind())
            colour = rng.choice(family.kind.colours)
            offer = self._offer(family, colour, self._size_of(family.kind), self._company(family.kind), False)
            targets.append(("plain", [self._rendered(offer, self._look(family, colour))]))
        return targets

    def _model_siblings(self, family: Family) -> list[tuple[str, list[Offer]]]:
        """One factory's English product line in two or three variants, each its own model code and offer,
        with the same photos (half the lines) or photos of the same design a little larger or smaller."""
        rng = self.rng
        colour, company = rng.choice(family.kind.colours), self._company(family.kind)
        look = self._look(family, colour)
        first, *others = rng.sample(family.kind.sizes, rng.randint(2, 3))
        offer = self._rendered(self._offer(family, colour, first, company, False), look)
        same_photos = rng.random() < 0.5
        targets = [("model_sibling", [offer])]
        for size in others:
            sibling = self._offer(family, colour, size, company, False)
            if same_photos:
                sibling = self._derived(sibling, offer, lambda: None)
            else:
                sibling = self._rendered(sibling, replace(look, scale=look.scale * rng.uniform(0.85, 1.15)))
            targets.append(("model_sibling", [sibling]))
        return targets

    # retail listings

    def _retail_price(self, base: float) -> float:
        price = base * self.rng.uniform(1.2, 4.0)
        return (
            math.floor(price) + self.rng.choice((0.0, 0.9, 0.8, 0.9, 0.5)) if price >= 5 else round(price, 1)
        )

    def _listing(
        self, family: Family, colour: str, size: str, base_price: float, place: tuple[str, str], title: str
    ) -> dict[str, Any]:
        rng, kind = self.rng, family.kind
        shop = rng.choice(self.shops)
        nid = self._new_id(540_000_000_000, 799_999_999_999)
        brand = family.brand or "无品牌"
        attributes = {"品牌": brand, "材质": family.material, "颜色分类": colour, kind.size_attr: size}
        attributes |= family.extra
        province, city = place if rng.random() < 0.6 else rng.choice(K.RETAIL_PLACES)
        return {
            "id": nid,
            "title": title,
            "category": kind.category,
            "price": self._retail_price(base_price),
            "shipping_fee": 0.0 if rng.random() < 0.8 else float(rng.choice((3, 4, 5, 6, 8, 10))),
            "province": province,
            "city": city,
            "sales": int(rng.lognormvariate(4.5, 1.8)),
            "nick": shop["nick"],
            "user_id": shop["user_id"],
            "is_tmall": shop["is_tmall"],
            "handle": shop["handle"],
            "attributes": attributes,
            "sku_props": [
                {"prop": "颜色分类", "values": [colour]},
                {"prop": kind.size_attr, "values": size.split(",")},
            ],
        }

    def _resell(self, case: str, offers: list[Offer], photo_kind: str) -> None:
        rng = self.rng
        source = rng.choice(offers)
        family = source.family
        title = retail_title(rng, family, source.colour, source.size, family.words, case == "colour_sibling")
        listing = self._listing(
            family,
            source.colour,
            source.size,
            source.data["price_tiers"][0]["price"],
            (source.company["province"], source.company["city"]),
            title,
        )
        if rng.random() < 0.4:
            listing["attributes"]["货号"] = source.data["attributes"]["货号"]
        if family.kind.line and rng.random() < 0.5:
            style = rng.choice(("as_is", "hyphen", "lower", "colour"))
            listing["attributes"]["型号"] = spell_code(
                rng, model_code(family, source.size), source.colour, style
            )
        paths = [f"img/taobao/{listing['id']}_0.jpg"]
        others = [
            *source.images[1:],
            rng.choice([o["images"][0] for o in self.out.factory if o["id"] != source.id]),
        ]
        look, seller = self._look(family, source.colour), (listing["handle"], listing["price"])
        plan_main_photo(rng, photo_kind, self.out, (paths[0], source.images[0]), look, others, seller)
        for extra in rng.sample(source.images[1:], rng.choices((0, 1, 2), (45, 40, 15))[0]):
            paths.append(f"img/taobao/{listing['id']}_{len(paths)}.jpg")
            self.out.edits.append((paths[-1], extra, light_edit(rng, listing["handle"])))
        self._add_listing(listing, paths, case, photo_kind)
        self.out.truth += [(f"{RETAIL_SOURCE}:{listing['id']}", f"{FACTORY_SOURCE}:{o.id}") for o in offers]

    def _unsourced(self, case: str, near: Offer | None) -> None:
        """A listing no factory here sells: a look-alike of ``near``, or an unrelated product."""
        rng = self.rng
        if near is not None:
            family = self._family(near.family.kind)
            family.words = list(near.family.words)
            colour, size, place = near.colour, near.size, (near.company["province"], near.company["city"])
            price = near.data["price_tiers"][0]["price"]
            words = family.words
        else:
            family = self._family(self._kind())
            colour, size = rng.choice(family.kind.colours), self._size_of(family.kind)
            place, price = rng.choice(K.RETAIL_PLACES), family.price
            words = family.words + rng.sample(E.UNSOURCED_WORDS if family.kind.line else K.UNSOURCED_WORDS, 2)
        title = retail_title(rng, family, colour, size, words, rng.random() < 0.5)
        listing = self._listing(family, colour, size, price, place, title)
        paths = [f"img/taobao/{listing['id']}_{i}.jpg" for i in range(rng.randint(1, 3))]
        for path, view in zip(paths, views_for(rng, len(paths)), strict=True):
            self.out.renders.append((path, self._look(family, colour), view))
        self._add_listing(listing, paths, case, OWN_PHOTO)

    def _add_listing(self, listing: dict[str, Any], paths: list[str], case: str, photo_kind: str) -> None:
        listing["images"] = paths
        self.out.retail.append(listing)
        self.out.cases.append((f"{RETAIL_SOURCE}:{listing['id']}", case))
        self.out.photo_kinds.append((f"{RETAIL_SOURCE}:{listing['id']}", photo_kind))

    def plan(self) -> Plan:
        """Generate the whole catalogue; retail listings come out in a shuffled order."""
        rng = self.rng
        targets = self._factories()
        jobs: list[tuple[str, list[Offer] | Offer | None]] = []
        for case, offers in targets:
            if case != "plain":
                jobs += [(case, offers)] * (3 if case == "two_factories" else 2)
        unsourced = max(2, round(self.n_retail * 0.045))
        plain = [offers for case, offers in targets if case == "plain"]
        for _ in range(unsourced):
            jobs.append(("look_alike", rng.choice(plain)[0]))
            jobs.append(("no_source", None))
        weights = [rng.lognormvariate(0, 1) for _ in plain]
        for offers in rng.choices(plain, weights, k=max(0, self.n_retail - len(jobs))):
            jobs.append(("plain", offers))
        rng.shuffle(jobs)
        resold = sum(1 for case, _ in jobs if case not in ("look_alike", "no_source"))
        photo_kinds = iter(main_photo_kinds(rng, resold))
        for case, what in jobs:
            if case in ("look_alike", "no_source"):
                self._unsourced(case, what)
            else:
                self._resell(case, what, next(photo_kinds))
        return self.out
