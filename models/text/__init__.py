"""Vietnamese text: normalisation, accent folding, spelling confusions, stop words and the lexicon."""

from models.text.normalize import fold_diacritics, has_diacritics, normalize_vietnamese, tokenize

__all__ = ["fold_diacritics", "has_diacritics", "normalize_vietnamese", "tokenize"]
