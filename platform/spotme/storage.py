"""File storage: each agency's uploads under MEDIA_ROOT/<schema>/ (django-tenants)."""

from __future__ import annotations

from django_tenants.files.storage import TenantFileSystemStorage


class AgencyFileStorage(TenantFileSystemStorage):
    """django-tenants' storage, also forgetting its cached media root when MEDIA_ROOT changes (its
    own handler only reacts to MULTITENANT_RELATIVE_MEDIA_ROOT, so a changed MEDIA_ROOT kept writing
    to the old folder)."""

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MULTITENANT_RELATIVE_MEDIA_ROOT"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)
