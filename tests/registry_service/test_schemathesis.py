"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis).

Pinned: schemathesis==4.32.5 (dev dependency); the test skips when it is not installed."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from registry_service.app import create_app  # noqa: E402
from tests.registry_service.svc_helpers import settings_for  # noqa: E402

_tmp = Path(tempfile.mkdtemp(prefix="schemathesis-"))  # module level: the schema is built at collection
atexit.register(shutil.rmtree, _tmp, True)
app = create_app(settings_for(_tmp))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_contract(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
            response_headers_conformance,
            allow_header_conformance,
            unsupported_method,
            missing_required_header,
            # not positive_data_acceptance: schema-valid requests may still be refused by
            # design (an Idempotency-Key reused with another body -> 422; unassigned code
            # points, which JSON Schema cannot express -> 422)
        ]
    )
