"""Text helpers (plain Python)."""


def squash(text):
    """Lower case, blanks collapsed: how names and streets are compared.

    >>> squash("  12 Rue  de la PAIX ")
    '12 rue de la paix'
    """
    return " ".join((text or "").lower().split())
