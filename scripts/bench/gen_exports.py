#!/usr/bin/env python3
"""Writes the benchmark's exports, the same bytes on every machine (no clock, fixed seed).

    gen_exports.py basic ROWS PATH    the export of the original scripts/bench.sh, unchanged: 9 columns,
                                      2% invalid emails, quoted commas ("Head of Sales, EMEA"), ASCII
    gen_exports.py apollo ROWS PATH   a wider, Apollo-like export: 30 columns, quoted commas in titles,
                                      addresses, keywords and technologies, doubled quotes, non-ASCII
                                      names, cities and companies (Latin, Cyrillic, Greek, CJK),
                                      2% invalid emails, 1% repeated emails, webmail addresses

The file is written to PATH + ".tmp" and renamed, so an interrupted run leaves no half file behind.
"""
import csv
import os
import random
import sys
import unicodedata

SEED = 10  # the number; change it and every figure changes


def basic(n, f):
    # Kept byte for byte as the first scripts/bench.sh wrote it, so figures stay comparable.
    f.write("First Name,Last Name,Title,Company,Email,Email Status,Person Linkedin Url,Website,City\n")
    for i in range(n):
        email = f"user{i}@company{i % 997}.com" if i % 50 else f"broken{i}"
        f.write(f'First{i},Last{i},"Head of Sales, EMEA",Company {i % 997},{email},Verified,'
                f"http://www.linkedin.com/in/user-{i},company{i % 997}.com,\"Berlin, DE\"\n")


APOLLO_COLUMNS = [
    "First Name", "Last Name", "Title", "Company", "Company Name for Emails", "Email", "Email Status",
    "Seniority", "Departments", "First Phone", "Corporate Phone", "# Employees", "Industry", "Keywords",
    "Person Linkedin Url", "Website", "Company Linkedin Url", "Facebook Url", "Twitter Url", "City",
    "State", "Country", "Company Address", "Company City", "Company State", "Company Country",
    "Technologies", "Annual Revenue", "Last Contacted", "Apollo Contact Id",
]
FIRST = ["Anna", "José", "Zoë", "Łukasz", "Søren", "María", "François", "Jürgen", "Ólafur", "Çağla", "Anaïs",
         "Björn", "Renée", "Mateusz", "Иван", "Мария", "Γιώργος", "太郎", "Mei", "Sven", "Oliver", "Emma",
         "Noah", "Chloé", "Håkon", "Zsófia", "Tomáš", "Ines", "David", "Sarah"]
LAST = ["Müller", "Núñez", "García", "Dvořák", "Kowalski", "O'Brien", "Østergaard", "Šimić", "Smith",
        "Nguyễn", "Yılmaz", "Schröder", "Иванова", "Παπαδόπουλος", "山田", "Lefèvre", "Jansen", "Brown",
        "Johansson", "Rossi", "de la Cruz", "Wójcik", "Horváth", "Novák", "Andersen"]
TITLES = ["Head of Sales, EMEA", "VP Marketing", "Director, Business Development", "Founder & CEO",
          'Chief "Happiness" Officer', "Account Executive", "Sales Development Representative",
          "Head of Growth, DACH", "CTO", "Responsable commercial, Île-de-France", "Geschäftsführer"]
COMPANIES = ["Acme, Inc.", "Müller & Söhne GmbH", "Nordic Data AB", "Société Générale d'Études",
             "Łódź Software sp. z o.o.", "Initech", "Globex Corporation", "Umbrella \"Labs\" Ltd",
             "Zürcher Analytik AG", "São Paulo Digital Ltda", "株式会社サンプル", "Hooli"]
SENIORITY = ["c_suite", "vp", "director", "manager", "senior", "entry", "owner", "founder"]
DEPARTMENTS = ["master_sales", "master_marketing, master_sales", "master_engineering_technical",
               "master_operations, master_finance", "c_suite, master_sales", ""]
INDUSTRIES = ["information technology & services", "marketing & advertising", "computer software",
              "financial services", "staffing & recruiting", "management consulting"]
KEYWORDS = ["saas", "b2b", "analytics", "crm", "lead generation", "cloud", "e-commerce", "fintech",
            "data", "ai", "outbound", "revops"]
PLACES = [("München", "Bavaria", "Germany", "Leopoldstraße 12, 80802 München, Germany"),
          ("São Paulo", "São Paulo", "Brazil", "Av. Paulista, 1000, São Paulo - SP, 01310-100, Brazil"),
          ("Zürich", "Zurich", "Switzerland", "Bahnhofstrasse 1, 8001 Zürich, Switzerland"),
          ("Kraków", "Lesser Poland", "Poland", "ul. Floriańska 3, 31-019 Kraków, Poland"),
          ("Paris", "Île-de-France", "France", "12 Rue de Rivoli, 75004 Paris, France"),
          ("San Francisco", "California", "United States", "1 Market St, Suite 300, San Francisco, CA 94105"),
          ("Москва", "Moscow", "Russia", "ул. Тверская, 1, Москва, 125009"),
          ("東京", "Tokyo", "Japan", "千代田区丸の内1-1, 東京都 100-0005"),
          ("Αθήνα", "Attica", "Greece", "Ερμού 10, Αθήνα 105 63, Greece"),
          ("Berlin", "Berlin", "Germany", "Friedrichstraße 43, 10117 Berlin, Germany")]
TECH = ["Salesforce", "Google Analytics", "Slack", "AWS", "HubSpot", "Zendesk", "Stripe", "Intercom",
        "WordPress", "Shopify", "Gmail", "Outlook"]
STATUS = ["Verified", "Verified", "Verified", "Unverified", "Guessed", "Unavailable"]
WEBMAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de", "yandex.ru"]


def ascii_slug(text, fallback):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c for c in plain.lower() if c.isalnum())
    return plain or fallback


def apollo(n, f):
    rnd = random.Random(SEED)
    w = csv.writer(f, lineterminator="\n")
    w.writerow(APOLLO_COLUMNS)
    emails = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        company = f"{rnd.choice(COMPANIES)} {i % 5003}"
        slug = f"company{i % 5003}"
        domain = f"{slug}.com"
        r = rnd.random()
        if r < 0.02:  # invalid: no @, a doubled dot, a space inside
            email = rnd.choice([f"{ascii_slug(first, 'x')}.{slug}.com", f"{ascii_slug(first, 'x')}..{i}@{domain}",
                                f"{ascii_slug(first, 'x')} {i}@{domain}"])
        elif r < 0.03 and emails:  # a repeat of an earlier row's email
            email = emails[rnd.randrange(len(emails))]
        elif r < 0.06:
            email = f"{ascii_slug(first, 'user')}.{ascii_slug(last, 'x')}{i}@{rnd.choice(WEBMAIL)}"
        else:
            email = f"{ascii_slug(first, 'user')}.{ascii_slug(last, 'x')}{i}@{domain}"
        if len(emails) < 10000:
            emails.append(email)
        city, state, country, _ = rnd.choice(PLACES)
        ccity, cstate, ccountry, caddress = rnd.choice(PLACES)
        w.writerow([
            first, last, rnd.choice(TITLES), company, company.split(",")[0], email, rnd.choice(STATUS),
            rnd.choice(SENIORITY), rnd.choice(DEPARTMENTS), f"+49 30 {rnd.randrange(10**6, 10**7)}",
            f"+1 415-555-{rnd.randrange(10**4):04d}", str(rnd.choice([8, 25, 120, 480, 2300, 15000])),
            rnd.choice(INDUSTRIES), ", ".join(rnd.sample(KEYWORDS, rnd.randrange(2, 7))),
            f"http://www.linkedin.com/in/{ascii_slug(first, 'p')}-{ascii_slug(last, 'p')}-{i}",
            f"http://www.{domain}", f"http://www.linkedin.com/company/{slug}",
            f"https://facebook.com/{slug}" if rnd.random() < 0.5 else "",
            f"https://twitter.com/{slug}" if rnd.random() < 0.5 else "",
            city, state, country, ccity, cstate, ccountry, caddress,
            ", ".join(rnd.sample(TECH, rnd.randrange(1, 6))), str(rnd.randrange(1, 500) * 100000),
            f"2024-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}T10:00:00.000+00:00" if rnd.random() < 0.4 else "",
            f"{rnd.getrandbits(96):024x}",
        ])


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("basic", "apollo"):
        sys.exit("usage: gen_exports.py basic|apollo ROWS PATH")
    kind, rows, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        (basic if kind == "basic" else apollo)(rows, f)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
