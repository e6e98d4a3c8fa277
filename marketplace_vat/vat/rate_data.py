"""VAT rates of the 27 member states and Northern Ireland, dated: what OSS taxes are made of.

Sources
-------
* European Commission, Taxes in Europe Database (TEDB), VAT rates
  (https://ec.europa.eu/taxation_customs/tedb/, the data of the Commission's "VAT rates applied in
  the Member States of the European Union"), **situation of 2026-03-27**, read through its verbatim
  extract in vatnode/eu-vat-rates-data (``eu_vat_rates_data.json``, "source": "European Commission
  TEDB"): the Commission's site could not be reached from where this file was written; check a
  change against TEDB itself before relying on it.
* Standard-rate periods since 2016: the TEDB history of the same extract (``history-tedb.json``).
* Reduced rates on 2025-01-01: easytax.co "VAT rates applicable from January 1, 2025" and
  calculariva.app "VAT 2025 in the 27 EU countries", where they agree with TEDB 2026; each change
  between the two dates is cited on its line.
* Northern Ireland (``XI``): United Kingdom rates (20 %, 5 %), as the same extract lists for GB.

Mainland rates only. TEDB also lists, among reduced rates, rates of territories with their own
rates (French overseas departments and Corsica, Azores and Madeira, Greek islands, Jungholz and
Mittelberg); they are left out here (see ROADMAP). Deviations from TEDB's classification are
commented on their line.

Each country holds periods ``(valid_from, reduced_rates, super_reduced)``, oldest first; before
the first period the reduced rates are unknown (no OSS tax is derived from them). ``reduced_rates``
is ``()`` when the country has none. Update: add a period with its start date and its source.
"""
from datetime import date

D2016 = date(2016, 1, 1)
D2025 = date(2025, 1, 1)

# ISO code -> [(valid from, standard rate)], oldest first (TEDB history, 2016 onwards).
STANDARD_RATE_HISTORY = {
    "AT": [(D2016, 20.0)],
    "BE": [(D2016, 21.0)],
    "BG": [(D2016, 20.0)],
    "HR": [(D2016, 25.0)],
    "CY": [(D2016, 19.0)],
    "CZ": [(D2016, 21.0)],
    "DK": [(D2016, 25.0)],
    "EE": [(D2016, 20.0), (date(2024, 1, 1), 22.0), (date(2025, 7, 1), 24.0)],
    "FI": [(D2016, 24.0), (date(2024, 9, 1), 25.5)],
    "FR": [(D2016, 20.0)],
    # 16 % from 2020-07-01 to 2020-12-31 (Zweites Corona-Steuerhilfegesetz), not in the TEDB extract
    "DE": [(D2016, 19.0), (date(2020, 7, 1), 16.0), (date(2021, 1, 1), 19.0)],
    "GR": [(D2016, 24.0)],
    "HU": [(D2016, 27.0)],
    "IE": [(D2016, 23.0), (date(2020, 9, 1), 21.0), (date(2021, 3, 1), 23.0)],
    "IT": [(D2016, 22.0)],
    "LV": [(D2016, 21.0)],
    "LT": [(D2016, 21.0)],
    "LU": [(D2016, 17.0), (date(2023, 1, 1), 16.0), (date(2024, 1, 1), 17.0)],
    "MT": [(D2016, 18.0)],
    "NL": [(D2016, 21.0)],
    "PL": [(D2016, 23.0)],
    "PT": [(D2016, 23.0)],
    "RO": [(D2016, 20.0), (date(2017, 1, 1), 19.0), (date(2025, 8, 1), 21.0)],
    "SK": [(D2016, 20.0), (date(2025, 1, 1), 23.0)],
    "SI": [(D2016, 22.0)],
    "ES": [(D2016, 21.0)],
    "SE": [(D2016, 25.0)],
    "XI": [(D2016, 20.0)],
}

# ISO code -> [(valid from, reduced rates, super-reduced rate or None)], oldest first.
REDUCED_RATE_HISTORY = {
    "AT": [(D2025, (10.0, 13.0), None)],  # TEDB's 19 % is Jungholz and Mittelberg
    "BE": [(D2025, (6.0, 12.0), None)],
    "BG": [(D2025, (9.0,), None)],
    "HR": [(D2025, (5.0, 13.0), None)],
    "CY": [(D2025, (5.0, 9.0), None)],  # TEDB 2026 lists a 3 % super-reduced rate, start date not found
    "CZ": [(D2025, (12.0,), None)],
    "DK": [(D2025, (), None)],
    "EE": [(D2025, (9.0, 13.0), None)],
    "FI": [(D2025, (10.0, 14.0), None),
           (date(2026, 1, 1), (10.0, 13.5), None)],  # 14 -> 13.5: easytax.co "EU new VAT rates from 2026"
    "FR": [(D2025, (5.5, 10.0), 2.1)],  # TEDB's 0.9, 1.05, 8.5, 13 % are Corsica and overseas departments
    "DE": [(D2025, (7.0,), None)],
    "GR": [(D2025, (6.0, 13.0), None)],  # TEDB's 4 and 17 % are the islands' rates
    "HU": [(D2025, (5.0, 18.0), None)],
    "IE": [(D2025, (9.0, 13.5), None)],  # TEDB 2026 lists no super-reduced rate (4.8 % livestock)
    "IT": [(D2025, (5.0, 10.0), 4.0)],
    "LV": [(D2025, (5.0, 12.0), None)],
    "LT": [(D2025, (5.0, 9.0), None),
           (date(2026, 1, 1), (5.0, 12.0), None)],  # TEDB 2026: 12 for 9; start date assumed 2026-01-01
    "LU": [(D2025, (8.0, 14.0), 3.0)],
    "MT": [(D2025, (5.0, 7.0), None)],
    "NL": [(D2025, (9.0,), None)],
    "PL": [(D2025, (5.0, 8.0), None)],  # TEDB files 8 % as super-reduced too; no rate below 5 % in Poland
    "PT": [(D2025, (6.0, 13.0), None)],  # TEDB's 16 and 22 % (and its super-reduced 6) are Azores/Madeira
    "RO": [(D2025, (5.0, 9.0), None),
           (date(2025, 8, 1), (11.0,), None)],  # Law 141/2025: 5 and 9 merged into 11 (eu-vat.md §7)
    "SK": [(D2025, (5.0, 19.0), None)],
    "SI": [(D2025, (5.0, 9.5), None)],
    "ES": [(D2025, (10.0,), 4.0)],
    "SE": [(D2025, (6.0, 12.0), None)],
    "XI": [(D2025, (5.0,), None)],
}
