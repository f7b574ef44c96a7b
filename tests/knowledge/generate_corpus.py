#!/usr/bin/env python3
"""Writes the retrieval-quality corpus: 200 company profiles (Markdown) and 150 questions whose answer sits in one
known passage. Deterministic (fixed seed, no dependencies): running it again gives the same files.

    python3 tests/knowledge/generate_corpus.py      # rewrites tests/knowledge/corpus/ and questions.json

The profiles share one structure and vocabulary on purpose, so each question has many near-miss passages. Questions
come in three kinds, 50 each: "name" (a person or product name found in one passage), "number" (a code or figure found
in one passage) and "paraphrase" (the organisation named, the fact asked in other words than the text uses).
"""
import json
import random
from pathlib import Path

SEED = 24
DOCUMENTS = 200
QUESTIONS_PER_KIND = 50
ROOT = Path(__file__).resolve().parent

SYLLABLES = ["or", "van", "tel", "mar", "kin", "dor", "sel", "bra", "quen", "lio", "fen", "ros", "tas", "mer", "gal",
             "zu", "pri", "hal", "ved", "nor", "cas", "bel", "tur", "ix", "lan", "mo", "rek", "sa", "vil", "den"]
KINDS = ["Logistics", "Foods", "Textiles", "Robotics", "Pharma", "Energy", "Ceramics", "Optics", "Marine", "Paper"]
INDUSTRY = {"Logistics": "freight and warehousing", "Foods": "food processing", "Textiles": "textile",
            "Robotics": "industrial robotics", "Pharma": "pharmaceutical", "Energy": "renewable energy",
            "Ceramics": "ceramics", "Optics": "precision optics", "Marine": "ship repair", "Paper": "paper and pulp"}
FIRST = ["Mirela", "Tomas", "Ines", "Kofi", "Hana", "Lars", "Priya", "Mateo", "Yuki", "Elena", "Omar", "Greta",
         "Ravi", "Sofia", "Jonas", "Amara", "Felix", "Leila", "Bruno", "Ilse"]
LAST = ["Castellan", "Okafor", "Lindqvist", "Marchetti", "Tanaka", "Novak", "Haddad", "Brennan", "Petrov", "Duarte",
        "Kowalski", "Moreau", "Iyer", "Svensson", "Ferreira", "Nakamura", "Horvat", "Adeyemi", "Becker", "Quint"]
CITIES = ["Ostrava", "Tampere", "Porto", "Ghent", "Bergen", "Lyon", "Graz", "Turku", "Leipzig", "Bilbao", "Aarhus",
          "Brno", "Cork", "Malmo", "Padua", "Utrecht", "Kaunas", "Split", "Krakow", "Nantes"]
PLACES = ["bakery", "railway depot", "garage", "school building", "textile mill", "brewery", "post office", "farmhouse"]
PRODUCT_WORDS = ["Falcon", "Ember", "Quartz", "Nimbus", "Harbor", "Vertex", "Cobalt", "Juniper", "Atlas", "Lumen",
                 "Sable", "Tundra", "Orbit", "Cedar", "Prism", "Rally"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# Sentences every profile draws from: they make passages of different companies look alike.
FILLER = {
    "Leadership": ["The board meets four times a year to review strategy.", "Decisions on large investments need board approval.",
                   "Management reports are shared with all staff each month.", "The leadership team is small and meets weekly."],
    "Workforce": ["Most positions are permanent and full-time.", "Apprentices join every September.",
                  "Training budgets are set per department.", "Staff turnover is reviewed every quarter."],
    "Suppliers": ["Contracts are renewed every two years after a tender.", "Deliveries arrive by truck on weekdays.",
                  "Each vendor is audited before the first order.", "Prices are fixed in euros for the contract term."],
    "Inventory": ["Stock levels are counted at the end of every month.", "Obsolete items are written off in December.",
                  "The stock system is shared with the maintenance team.", "Minimum levels trigger an automatic reorder."],
    "Finances": ["The financial year follows the calendar year.", "Accounts are audited by an external firm.",
                 "Profits are mostly reinvested in equipment.", "Figures are published in the annual report."],
    "Safety": ["Every visitor receives a short safety briefing.", "First aid kits are checked monthly.",
               "Incidents are reported to the safety committee.", "Protective equipment is provided free of charge."],
    "Facilities": ["The site is connected to the regional rail network.", "Solar panels cover part of the roof.",
                   "Parking for staff is available next to the gate.", "The buildings were renovated recently."],
    "History": ["The early years were marked by slow growth.", "A second site opened a decade later.",
                "The company survived a difficult recession.", "The original logo is still used today."],
    "Products": ["Products are sold through distributors and online.", "Customer support is available in four languages.",
                 "New models are launched every spring.", "Warranty terms are two years for all items."],
    "Quality": ["Internal audits take place twice a year.", "Complaints are analysed by a dedicated team.",
                "Quality targets are part of every manager's goals.", "Test results are archived for ten years."],
}


def sections(f):
    """Each section: heading, fact sentence, and (kind, question, answer key) pairs, keyed by the profile's facts f."""
    o = f["org"]
    return [
        ("Leadership", f"{f['leader']} has led {o} as managing director since {f['led_since']}.",
         [("name", f"Which organisation is run by {f['leader']}?", f["leader"]),
          ("paraphrase", f"Who is the boss of {o}?", f["leader"])]),
        ("Workforce", f"{o} employs {f['staff']:,} people, most of them at the {f['city']} site.",
         [("number", f"Which organisation has {f['staff']:,} people on its payroll?", f"{f['staff']:,}"),
          ("paraphrase", f"How big is the team working for {o}?", f"{f['staff']:,}")]),
        ("Suppliers", f"Raw materials for {o} are purchased from {f['supplier']}, a vendor based in {f['supplier_city']}.",
         [("name", f"Who buys from {f['supplier']}?", f["supplier"]),
          ("paraphrase", f"Which firm provides {o} with its inputs?", f["supplier"])]),
        ("Inventory", f"Spare parts at {o} are filed under stock code {f['code']} in the central register.",
         [("number", f"Which organisation uses the code {f['code']}?", f["code"]),
          ("paraphrase", f"How does {o} catalogue its replacement components?", f["code"])]),
        ("Finances", f"In {f['rev_year']}, {o} reported revenue of {f['revenue']} million euros.",
         [("number", f"Which firm reported {f['revenue']} million euros in {f['rev_year']}?", f"{f['revenue']} million"),
          ("paraphrase", f"How much money did {o} bring in during {f['rev_year']}?", f"{f['revenue']} million")]),
        ("Safety", f"The last fire drill at {o} took place in {f['drill_month']} and the building was cleared in {f['drill_seconds']} seconds.",
         [("paraphrase", f"How quickly was everyone out during the most recent evacuation exercise at {o}?", f"{f['drill_seconds']} seconds")]),
        ("Facilities", f"The main warehouse of {o} in {f['city']} covers {f['area']:,} square metres.",
         [("number", f"Whose warehouse covers {f['area']:,} square metres?", f"{f['area']:,}"),
          ("paraphrase", f"What is the floor size of the storage building of {o}?", f"{f['area']:,}")]),
        ("History", f"{o} was founded in {f['founded']} by {f['founder']} in a former {f['place']}.",
         [("name", f"What did {f['founder']} establish?", f["founder"]),
          ("paraphrase", f"When did {o} begin, and who started it?", f["founder"])]),
        ("Products", f"The best-selling product of {o} is the {f['product']}, sold in {f['countries']} countries.",
         [("name", f"Who makes the {f['product']}?", f["product"]),
          ("paraphrase", f"Which item from {o} has the most sales?", f["product"])]),
        ("Quality", f"{o} holds certificate number {f['cert']} for its quality management system.",
         [("number", f"Which company holds certificate {f['cert']}?", f["cert"]),
          ("paraphrase", f"Under what reference is the way {o} manages quality accredited?", f["cert"])]),
    ]


def unique(rng, seen, make):
    while True:
        value = make()
        if value not in seen:
            seen.add(value)
            return value


def profile(rng, seen, index):
    word = lambda: "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 3]))).capitalize()
    person = lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    kind = KINDS[index % len(KINDS)]
    return {
        "org": unique(rng, seen, lambda: f"{word()} {kind}"),
        "kind": kind,
        "city": rng.choice(CITIES),
        "leader": unique(rng, seen, person),
        "led_since": rng.randint(1995, 2024),
        "staff": unique(rng, seen, lambda: rng.randint(40, 9800)),
        "supplier": unique(rng, seen, lambda: f"{word()} {rng.choice(['Metalworks', 'Supply', 'Trading', 'Materials'])}"),
        "supplier_city": rng.choice(CITIES),
        "code": unique(rng, seen, lambda: f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}-{rng.randint(1000, 9999)}"),
        "rev_year": rng.randint(2015, 2025),
        "revenue": unique(rng, seen, lambda: f"{rng.randint(2, 900)}.{rng.randint(1, 9)}"),
        "drill_month": rng.choice(MONTHS),
        "drill_seconds": rng.randint(70, 400),
        "area": unique(rng, seen, lambda: rng.randint(12, 950) * 100),
        "founded": rng.randint(1890, 2015),
        "founder": unique(rng, seen, person),
        "place": rng.choice(PLACES),
        "product": unique(rng, seen, lambda: f"{rng.choice(PRODUCT_WORDS)} {rng.randint(2, 99)}{rng.choice(['', 'X', 'Pro', 'S'])}".strip()),
        "countries": rng.randint(2, 60),
        "cert": unique(rng, seen, lambda: f"QM-{rng.randint(10000, 99999)}"),
    }


def main():
    rng = random.Random(SEED)
    seen = set()
    corpus = ROOT / "corpus"
    corpus.mkdir(exist_ok=True)
    for old in corpus.glob("*.md"):
        old.unlink()

    candidates = {"name": [], "number": [], "paraphrase": []}
    for index in range(DOCUMENTS):
        f = profile(rng, seen, index)
        file_name = f"{index:03d}-{f['org'].lower().replace(' ', '-')}.md"
        chosen = sorted(rng.sample(range(10), 7))
        lines = [f"# {f['org']}", "",
                 f"{f['org']} is a {INDUSTRY[f['kind']]} company headquartered in {f['city']}. "
                 f"This profile is kept by the operations office and updated every year.", ""]
        for position in chosen:
            heading, fact, questions = sections(f)[position]
            filler = rng.sample(FILLER[heading], 3)
            sentences = filler[:1] + [fact] + filler[1:]
            lines += [f"## {heading}", "", " ".join(sentences), ""]
            for kind, question, answer in questions:
                candidates[kind].append({"kind": kind, "question": question, "document": file_name,
                                         "section": heading, "answer": answer})
        (corpus / file_name).write_text("\n".join(lines), encoding="utf-8")

    questions = []
    for kind in ["name", "number", "paraphrase"]:
        questions += rng.sample(candidates[kind], QUESTIONS_PER_KIND)
    (ROOT / "questions.json").write_text(json.dumps(questions, indent=1) + "\n", encoding="utf-8")
    print(f"{DOCUMENTS} documents, {len(questions)} questions")


if __name__ == "__main__":
    main()
