"""Who files a procedure (`doi_tuong_thuc_hien`) and at which level it is performed (`cap_thuc_hien`)."""

from __future__ import annotations

import re

from catalog.schema import NOT_STATED, Level, TargetGroup, clean_text

# "Cán bộ, công chức, viên chức" is one subject that contains commas; so is
# "Tổ chức (không bao gồm doanh nghiệp, HTX)", protected by the parenthesis rule below.
_CIVIL_SERVANTS = "Cán bộ, công chức, viên chức"
_SPLIT = re.compile(r"[,;]\s*(?![^()]*\))")

# First matching prefix wins; order matters ("Tổ chức nước ngoài" before "Tổ chức").
_GROUP_PREFIXES: tuple[tuple[str, TargetGroup], ...] = (
    ("người nước ngoài", TargetGroup.FOREIGNER),
    ("tổ chức nước ngoài", TargetGroup.FOREIGNER),
    ("người việt nam định cư ở nước ngoài", TargetGroup.FOREIGNER),
    ("doanh nghiệp", TargetGroup.BUSINESS),
    ("hợp tác xã", TargetGroup.BUSINESS),
    ("hộ kinh doanh", TargetGroup.BUSINESS),
    ("cán bộ", TargetGroup.OFFICIAL),
    ("tổ chức", TargetGroup.ORGANISATION),
    ("công dân", TargetGroup.CITIZEN),
    ("cá nhân", TargetGroup.CITIZEN),
    ("đảng viên", TargetGroup.CITIZEN),
)

_LEVELS: dict[str, Level] = {
    "cấp bộ": Level.MINISTRY,
    "cấp tỉnh": Level.PROVINCE,
    "cấp xã": Level.COMMUNE,
}


def split_subjects(text: str) -> list[str]:
    """The portal's comma-separated subject list as separate subjects, in order, without repeats."""
    text = clean_text(text)
    if not text or text == NOT_STATED:
        return []
    protected = text.replace(_CIVIL_SERVANTS, _CIVIL_SERVANTS.replace(", ", " / "))
    subjects = []
    for part in _SPLIT.split(protected):
        part = clean_text(part.replace(" / ", ", ")).strip(" .")
        if part and part not in subjects:
            subjects.append(part)
    return subjects


def target_groups(subjects: list[str]) -> list[TargetGroup]:
    """Coarse target groups for a list of subjects, in `TargetGroup` order."""
    found = set()
    for subject in subjects:
        lowered = subject.lower()
        for prefix, group in _GROUP_PREFIXES:
            if lowered.startswith(prefix):
                found.add(group)
                break
    return [group for group in TargetGroup if group in found]


def parse_levels(text: str) -> list[Level]:
    """Levels from e.g. 'Cấp bộ, Cấp tỉnh, Cấp xã'; anything else (Cơ quan khác) is OTHER."""
    levels = []
    for part in clean_text(text).split(","):
        part = part.strip().lower()
        if not part:
            continue
        level = _LEVELS.get(part, Level.OTHER)
        if level not in levels:
            levels.append(level)
    return levels
