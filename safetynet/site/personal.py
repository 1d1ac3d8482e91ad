"""The one rule of who sees whole ID numbers lives in the web layer's leaf,
``safetynet.web.personal``; these names stay for the callers that import them from here."""

from safetynet.web.personal import (  # noqa: F401
    CASEWORK,
    EXPORT_FULL_ID,
    FULL_ID_ROLES,
    VERIFICATION,
    exports_full_id,
    mask_id,
    sees_full_id,
    shown_id,
)
