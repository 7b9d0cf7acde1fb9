"""Records the ERP sent that the portal cannot take: kept for staff (the ERP sync page) and logged."""

import json
import logging
from dataclasses import asdict

from django.core.serializers.json import DjangoJSONEncoder

from .models import RejectedRecord

logger = logging.getLogger(__name__)


def record_rejected(*, entity: str, record, errors: dict) -> None:
    """Keep a rejected ERP record with what was wrong with it."""
    data = json.loads(json.dumps(asdict(record), cls=DjangoJSONEncoder))
    RejectedRecord.objects.create(
        entity=entity, erp_id=str(getattr(record, "erp_id", ""))[:64], errors=errors, data=data
    )
    logger.warning("Rejected %s %s from the ERP: %s", entity, getattr(record, "erp_id", "?"), errors)
