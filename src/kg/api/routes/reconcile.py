"""The W3C Entity Reconciliation Service API over the graph: what OpenRefine speaks (0.2), and 1.0-draft.

Two services, each with a manifest valid for the one version it claims (the manifests of the two
versions contradict each other: 0.2 names suggest services by URL, 1.0-draft by booleans, and finds
them relative to its endpoint):

    0.2 at /reconcile (the URL OpenRefine is given):
    GET  /reconcile                     manifest (`?version=1.0-draft`: the 1.0-draft one, as below)
    GET|POST /reconcile?queries={...}   query batch (POST form-encoded, as OpenRefine sends it)
    GET|POST /reconcile?extend={...}    data extension on the service URL (OpenRefine's way)
    GET  /reconcile/suggest/{entity,type,property}?prefix=&cursor=&limit=
    GET  /reconcile/preview?id=         HTML card
    GET|POST /reconcile/extend          data extension: form `extend=` -> 0.2, JSON body -> 1.0-draft
    GET  /reconcile/propose_properties?type=&limit=

    1.0-draft at /reconcile/1.0 (its routes relative to that endpoint, as the draft names them):
    GET  /reconcile/1.0                 manifest
    POST /reconcile/1.0/match           query batch, JSON {"queries": [...]}
    GET  /reconcile/1.0/suggest/{entity,type,property}?prefix=&offset=&limit=
    GET  /reconcile/1.0/preview?id=     HTML card
    POST /reconcile/1.0/extend          data extension, JSON body
    GET  /reconcile/1.0/extend/propose?type=&limit=
The 1.0-draft routes also answer under /reconcile (match, extend/propose, a JSON extend), as before.

No JSONP (`callback=`): CORS is on for every origin (kg.api.app), which is what browsers and
OpenRefine use instead. Handlers are plain `def` (the lookup and store calls block); bodies are read
by an async dependency first. Malformed JSON, wrong shapes, unknown types and properties answer 400
in the project's error shape.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

import kg
from kg.api.deps import ServicesDep
from kg.errors import BadRequestError, UnsupportedMediaTypeError
from kg.namespaces import ID, IKG, to_curie
from kg.reconcile import (
    LANGUAGES,
    PREVIEW_HEIGHT,
    PREVIEW_WIDTH,
    Candidate,
    CandidateList,
    EntityRef,
    ExtendProperty,
    Extension,
    PropertyConstraint,
    PropertyValue,
    Reconciler,
    ReconQuery,
    Suggestion,
    SuggestPage,
    VocabTerm,
    choose_lang,
)
from kg.services import Services

router = APIRouter(tags=["reconciliation"])

#: Most queries in one batch, and most ids in one extension request; a bigger batch is refused (400)
#: rather than cut. OpenRefine sends batches of 10.
MAX_BATCH = 1000
SERVICE_NAME = "innokg: innovation-governance entities (knowledge graph)"
V02, V1 = "0.2", "1.0-draft"
VERSIONS = (V02, V1)
#: The endpoint of the 1.0-draft service (the 0.2 one is /reconcile).
V1_ROOT = "/reconcile/1.0"


# -- input models ----------------------------------------------------------------------------------

class EntityRefIn(BaseModel):
    id: str
    name: str | None = None


ValueIn = str | bool | int | float | EntityRefIn


class PropertyIn(BaseModel):
    pid: str
    v: ValueIn | list[ValueIn]


class QueryIn(BaseModel):
    """One 0.2 query (unknown keys are ignored, as clients add their own)."""

    query: str | None = None
    type: str | list[str] | None = None
    limit: float | None = None
    properties: list[PropertyIn] = []
    type_strict: Literal["any", "should", "all"] = "any"


class ConditionIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    match_type: Literal["name", "id", "property"] = Field(alias="matchType")
    property_id: str | None = Field(default=None, alias="propertyId")
    property_value: ValueIn | list[ValueIn] = Field(alias="propertyValue")
    required: bool = False
    match_quantifier: Literal["any", "all", "none"] = Field(default="any", alias="matchQuantifier")
    match_qualifier: str | None = Field(default=None, alias="matchQualifier")


class MatchQueryIn(BaseModel):
    type: str | None = None
    limit: float | None = None
    lang: str | None = None
    conditions: list[ConditionIn] = Field(min_length=1)


class MatchBatchIn(BaseModel):
    queries: list[MatchQueryIn]


class ExtendPropertyIn(BaseModel):
    id: str
    settings: dict[str, Any] = {}


class ExtendIn(BaseModel):
    ids: list[str]
    properties: list[ExtendPropertyIn]


# -- output models ---------------------------------------------------------------------------------

class TypeOut(BaseModel):
    id: str
    name: str
    description: str | None = None
    broader: list[TypeOut] | None = None


class FeatureOut(BaseModel):
    id: str
    name: str
    value: bool | float


class CandidateOut(BaseModel):
    id: str
    name: str
    description: str | None = None
    lang: str | None = None
    type: list[TypeOut]
    score: float
    match: bool
    features: list[FeatureOut]


class QueryResultOut(BaseModel):
    result: list[CandidateOut]
    truncated: bool


class MatchResultOut(BaseModel):
    candidates: list[CandidateOut]
    truncated: bool


class MatchBatchOut(BaseModel):
    results: list[MatchResultOut]


class SuggestItemOut(BaseModel):
    id: str
    name: str
    description: str | None = None
    notable: list[TypeOut] | None = None
    broader: list[TypeOut] | None = None


class SuggestOut(BaseModel):
    result: list[SuggestItemOut]
    truncated: bool


class PropertyOut(BaseModel):
    id: str
    name: str
    description: str | None = None


class ProposalOut(BaseModel):
    type: str | None = None
    limit: int
    properties: list[PropertyOut]


# -- dependencies and parsing ----------------------------------------------------------------------

def get_reconciler(services: ServicesDep) -> Reconciler:
    """FastAPI dependency: the reconciler, over the app's shared lookup index."""
    return services.reconciler


async def _read_body(request: Request) -> bytes:
    return await request.body()


def _parameters(request: Request, body: bytes) -> dict[str, str]:
    """Query parameters, plus the fields of a form-encoded body; raises UnsupportedMediaTypeError."""
    params = dict(request.query_params)
    if not body:
        return params
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaTypeError(
            f"Body of type {media_type or 'unknown'!r}; send application/x-www-form-urlencoded "
            "fields (queries=, extend=) as OpenRefine does.")
    params.update(parse_qsl(_text(body), keep_blank_values=True))
    return params


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError(f"The request body is not UTF-8 (byte {exc.start}); send UTF-8.") from exc


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequestError(f"{what} is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                              f"{exc.colno}); send a JSON object.") from exc


def _validate(model: Any, data: Any, what: str) -> Any:
    """`data` checked against a pydantic type; raises BadRequestError naming every problem."""
    try:
        return TypeAdapter(model).validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or what}: {err['msg']}" for err in exc.errors()[:5])
        raise BadRequestError(f"Malformed {what}: {problems}.") from exc


def _limit(value: float | None) -> int | None:
    if value is None:
        return None
    if not math.isfinite(value) or value != int(value):
        raise BadRequestError(f"limit={value} is not a whole number.")
    return int(value)


def _values(raw: ValueIn | list[ValueIn]) -> tuple[PropertyValue, ...]:
    items = raw if isinstance(raw, list) else [raw]
    return tuple(EntityRef(v.id, v.name) if isinstance(v, EntityRefIn) else v for v in items)


def _check_batch(size: int, what: str) -> None:
    if size > MAX_BATCH:
        raise BadRequestError(f"{size} {what} in one request; send at most {MAX_BATCH} per batch.")


def to_query(raw: QueryIn) -> ReconQuery:
    """A 0.2 query as a domain query."""
    types = (raw.type,) if isinstance(raw.type, str) else tuple(raw.type or ())
    constraints = tuple(PropertyConstraint(p.pid, _values(p.v)) for p in raw.properties)
    return ReconQuery(raw.query, types, raw.type_strict, _limit(raw.limit), constraints)


def to_match_query(raw: MatchQueryIn) -> ReconQuery:
    """A 1.0-draft query as a domain query; raises BadRequestError for what it cannot answer."""
    names: list[str] = []
    ids: list[str] = []
    constraints: list[PropertyConstraint] = []
    for condition in raw.conditions:
        if condition.match_qualifier is not None:
            raise BadRequestError(f"matchQualifier={condition.match_qualifier!r} is not supported; "
                                  "leave it out (values compare normalised).")
        values = _values(condition.property_value)
        if condition.match_type == "name":
            names.extend(str(v.name or v.id) if isinstance(v, EntityRef) else str(v) for v in values)
        elif condition.match_type == "id":
            ids.extend(v.id if isinstance(v, EntityRef) else str(v) for v in values)
        elif condition.property_id is None:
            raise BadRequestError("A condition with matchType \"property\" needs a propertyId.")
        else:
            constraints.append(PropertyConstraint(condition.property_id, values, condition.required,
                                                  condition.match_quantifier))
    if len(names) > 1:
        raise BadRequestError(f"{len(names)} name values in one query; give one name per query.")
    return ReconQuery(names[0] if names else None, (raw.type,) if raw.type else (), "any",
                      _limit(raw.limit), tuple(constraints), tuple(ids), raw.lang)


def to_extend_properties(raw: ExtendIn) -> list[ExtendProperty]:
    """The properties of an extension request with their settings; raises BadRequestError."""
    return [ExtendProperty(p.id, *_extend_settings(p.id, p.settings)) for p in raw.properties]


def _extend_settings(pid: str, settings: dict[str, Any]) -> tuple[int, str]:
    limit, lang = settings.get("limit", 0), settings.get("lang", "zh")
    try:
        count = int(limit)
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        raise BadRequestError(f"Setting limit={limit!r} of {pid}: give a whole number >= 0 (0: all).")
    if lang not in LANGUAGES:
        raise BadRequestError(f"Setting lang={lang!r} of {pid}: use one of {', '.join(LANGUAGES)}.")
    return count, lang


# -- output ------------------------------------------------------------------------------------------

def _type_out(term: VocabTerm, lang: str, *, broader: dict[str, VocabTerm] | None = None) -> TypeOut:
    out = TypeOut(id=term.curie, name=term.name(lang))
    if broader is not None:
        out.broader = [TypeOut(id=broader[b].curie, name=broader[b].name(lang)) for b in term.broader
                       if b in broader]
    return out


def _candidate_out(candidate: Candidate, *, with_lang: bool) -> CandidateOut:
    return CandidateOut(
        id=candidate.id, name=candidate.name, description=candidate.description,
        lang=candidate.lang if with_lang else None,
        type=[_type_out(t, candidate.lang) for t in candidate.types], score=candidate.score,
        match=candidate.match,
        features=[FeatureOut(id=f.id, name=f.name, value=f.value) for f in candidate.features],
    )


def _json_response(model: BaseModel | dict[str, Any]) -> Response:
    if isinstance(model, BaseModel):
        return Response(model.model_dump_json(exclude_none=True), media_type="application/json")
    return JSONResponse(model)


def _base(request: Request, services: Services) -> str:
    return (services.settings.base_url or str(request.base_url)).rstrip("/")


#: Data-extension settings offered for every property: (type, id, label, help text, default).
_EXTEND_SETTINGS = (
    ("number", "limit", "Most values", "Most values per entity (0: all).", 0),
    ("select", "lang", "Language of names", "Language of entity names (zh or en).", "zh"),
)


def manifest(base: str, default_types: Sequence[VocabTerm], version: str) -> dict[str, Any]:
    """The service manifest of `version` ("0.2" or "1.0-draft") for the app at `base`; each claims
    only its own version, as each is valid only for it."""
    types = [{"id": t.curie, "name": t.bilingual()} for t in default_types]
    return manifest_v1(base, types) if version == V1 else manifest_v02(base, types)


def manifest_v02(base: str, default_types: list[dict[str, str]]) -> dict[str, Any]:
    """The 0.2 manifest: services named by URL, templates in {{id}} form."""
    return {
        "versions": [V02], "name": SERVICE_NAME, "identifierSpace": str(ID), "schemaSpace": str(IKG),
        "serviceVersion": kg.__version__, "documentation": f"{base}/docs",
        "view": {"url": f"{base}/id/{{{{id}}}}"}, "defaultTypes": default_types,
        "suggest": {kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": PREVIEW_WIDTH,
                    "height": PREVIEW_HEIGHT},
        "extend": {"propose_properties": {"service_url": base,
                                          "service_path": "/reconcile/propose_properties"},
                   "property_settings": [
                       {"type": kind, "name": name, "label": label, "help_text": help_text,
                        "default": default, **_choices(kind)}
                       for kind, name, label, help_text, default in _EXTEND_SETTINGS]},
    }


def manifest_v1(base: str, default_types: list[dict[str, str]]) -> dict[str, Any]:
    """The 1.0-draft manifest: services found relative to V1_ROOT, an RFC 6570 view template, no
    identifierSpace or schemaSpace (the draft dropped them)."""
    return {
        "versions": [V1], "name": SERVICE_NAME, "serviceVersion": kg.__version__,
        "documentation": f"{base}/docs", "view": {"url": f"{base}/id/{{id}}"},
        "defaultTypes": default_types,
        "suggest": {"entity": True, "type": True, "property": True},
        "preview": {"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "extend": {"proposeProperties": True, "propertySettings": [
            {"type": kind, "id": name, "name": label, "helpText": help_text, "default": default,
             **_choices(kind)} for kind, name, label, help_text, default in _EXTEND_SETTINGS]},
        "batchSize": MAX_BATCH, "standardizedScore": True,
    }


def _choices(kind: str) -> dict[str, Any]:
    if kind != "select":
        return {}
    return {"choices": [{"value": "zh", "name": "中文"}, {"value": "en", "name": "English"}]}


def results_v02(keys: Sequence[str], answers: Sequence[CandidateList]) -> dict[str, Any]:
    """{"q0": {"result": [...], "truncated": bool}, ...}."""
    return {key: QueryResultOut(result=[_candidate_out(c, with_lang=False) for c in answer.candidates],
                                truncated=answer.truncated).model_dump(exclude_none=True)
            for key, answer in zip(keys, answers, strict=True)}


def extension_v02(extension: Extension) -> dict[str, Any]:
    """{"meta": [{id, name[, type]}], "rows": {id: {pid: [values]}}} of the 0.2 protocol."""
    return {"meta": _meta(extension),
            "rows": {entity: {pid: [v.to_dict(with_lang=False) for v in values]
                              for pid, values in cells.items()}
                     for entity, cells in extension.rows.items()}}


def extension_v1(extension: Extension) -> dict[str, Any]:
    """{"meta": [...], "rows": [{"id", "properties": [{"id", "values"}]}]} of 1.0-draft."""
    return {"meta": _meta(extension),
            "rows": [{"id": entity, "properties": [
                {"id": pid, "values": [v.to_dict(with_lang=True) for v in values]}
                for pid, values in cells.items()]}
                for entity, cells in extension.rows.items()]}


def _meta(extension: Extension) -> list[dict[str, Any]]:
    meta = []
    for term, setting in zip(extension.properties, extension.settings, strict=True):
        item: dict[str, Any] = {"id": setting.pid, "name": term.name(setting.lang)}
        if term.range:
            item["type"] = {"id": to_curie(term.range)}
        meta.append(item)
    return meta


def _suggest_out(page: SuggestPage, lang: str, broader: dict[str, VocabTerm] | None = None) -> SuggestOut:
    items = []
    for item in page.items:
        if isinstance(item, Suggestion):
            items.append(SuggestItemOut(id=item.id, name=item.name, description=item.description,
                                        notable=[_type_out(t, item.lang) for t in item.types]))
        else:
            out = _type_out(item, lang, broader=broader)
            items.append(SuggestItemOut(id=out.id, name=out.name, description=item.comment,
                                        broader=out.broader))
    return SuggestOut(result=items, truncated=page.truncated)


# -- routes ----------------------------------------------------------------------------------------

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad_request: malformed JSON or shape, unknown type or property."},
    415: {"description": "unsupported_media_type: a body that is not form-encoded (or JSON where "
          "allowed)."},
}


def _service(request: Request, services: Services, reconciler: Reconciler, body: bytes) -> Response:
    params = _parameters(request, body)
    if "queries" in params:
        raw = _validate(dict[str, QueryIn], _json(params["queries"], "queries"), "queries")
        _check_batch(len(raw), "queries")
        answers = [reconciler.reconcile(to_query(q)) for q in raw.values()]
        return _json_response(results_v02(list(raw), answers))
    if "extend" in params:
        return _json_response(extension_v02(_extend(reconciler, params["extend"])))
    if request.method == "POST":
        raise BadRequestError("POST /reconcile needs a form field queries= or extend=.")
    version = params.get("version", V02)
    if version not in VERSIONS:
        raise BadRequestError(f"version={version!r}; use one of {', '.join(VERSIONS)}.")
    return _json_response(manifest(_base(request, services), reconciler.default_types(), version))


def _extend(reconciler: Reconciler, text: str) -> Extension:
    raw = _validate(ExtendIn, _json(text, "extend"), "extend")
    _check_batch(len(raw.ids), "ids")
    return reconciler.extend(raw.ids, to_extend_properties(raw))


@router.get("/reconcile", summary="Reconciliation service: manifest, or a 0.2 query batch (queries=)",
            responses=_ERRORS)
def reconcile_get(request: Request, services: ServicesDep,
                  reconciler: Annotated[Reconciler, Depends(get_reconciler)]) -> Response:
    """The manifest (`version=1.0-draft` for that one), or the answer to `queries=` / `extend=` JSON."""
    return _service(request, services, reconciler, b"")


@router.post("/reconcile", summary="Reconciliation 0.2: a form-encoded query batch or data extension",
             responses=_ERRORS)
def reconcile_post(request: Request, body: Annotated[bytes, Depends(_read_body)],
                   services: ServicesDep,
                   reconciler: Annotated[Reconciler, Depends(get_reconciler)]) -> Response:
    """Form field `queries={"q0": {"query": …}}` (OpenRefine) or `extend={"ids": …}`."""
    return _service(request, services, reconciler, body)


@router.get(V1_ROOT, summary="Reconciliation 1.0-draft: the service manifest")
def manifest_v1_get(request: Request, services: ServicesDep,
                    reconciler: Annotated[Reconciler, Depends(get_reconciler)]) -> Response:
    """The 1.0-draft manifest; the services it announces are found relative to this URL."""
    return _json_response(manifest(_base(request, services), reconciler.default_types(), V1))


@router.post(V1_ROOT + "/match", summary="Reconciliation 1.0-draft: a JSON query batch",
             response_model=MatchBatchOut, responses=_ERRORS)
@router.post("/reconcile/match", summary="Reconciliation 1.0-draft: a JSON query batch",
             response_model=MatchBatchOut, responses=_ERRORS)
def reconcile_match(request: Request, body: Annotated[bytes, Depends(_read_body)],
                    reconciler: Annotated[Reconciler, Depends(get_reconciler)]) -> Response:
    """`{"queries": [{"conditions": [{"matchType": "name", "propertyValue": "科创办"}]}]}` (or a form
    field queries= holding it)."""
    raw = _validate(MatchBatchIn, _json(_json_body(request, body, "queries"), "body"), "query batch")
    _check_batch(len(raw.queries), "queries")
    answers = [reconciler.reconcile(to_match_query(q)) for q in raw.queries]
    return _json_response(MatchBatchOut(results=[
        MatchResultOut(candidates=[_candidate_out(c, with_lang=True) for c in a.candidates],
                       truncated=a.truncated) for a in answers]))


def _json_body(request: Request, body: bytes, field: str) -> str:
    """The JSON text of a body: the body itself (application/json) or its form field `field`."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        fields = dict(parse_qsl(_text(body), keep_blank_values=True))
        if field not in fields:
            raise BadRequestError(f"The form has no field {field}=; send the JSON batch in it.")
        return fields[field]
    if media_type not in ("application/json", ""):
        raise UnsupportedMediaTypeError(f"Body of type {media_type!r}; send application/json.")
    return _text(body)


_PREFIX = Query(min_length=1, description="What the user has typed so far.")
_CURSOR = Query(ge=0, description="Results to skip (paging; 0.2).")
_OFFSET = Query(ge=0, description="Results to skip (paging; 1.0-draft); wins over cursor.")
_SUGGEST_LIMIT = Query(ge=1, description="Page size (at most KG_LOOKUP_LIMIT).")


@router.get(V1_ROOT + "/suggest/entity", summary="Type-ahead over entities", response_model=SuggestOut,
            responses=_ERRORS)
@router.get("/reconcile/suggest/entity", summary="Type-ahead over entities", response_model=SuggestOut,
            responses=_ERRORS)
def suggest_entity(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
                   prefix: Annotated[str, _PREFIX], cursor: Annotated[int, _CURSOR] = 0,
                   offset: Annotated[int | None, _OFFSET] = None,
                   limit: Annotated[int, _SUGGEST_LIMIT] = 10,
                   type: Annotated[str | None, Query(description="Only instances of this class.")] = None,
                   lang: Annotated[str | None, Query(description="Language of names: zh or en.")] = None,
                   ) -> Response:
    """Entities whose names start with or contain `prefix` (Chinese, English, pinyin, abbreviations)."""
    page = reconciler.suggest_entities(prefix, limit=limit, offset=_skip(cursor, offset), type_=type,
                                       lang=lang)
    return _json_response(_suggest_out(page, "zh"))


@router.get(V1_ROOT + "/suggest/type", summary="Type-ahead over the ontology's classes",
            response_model=SuggestOut, responses=_ERRORS)
@router.get("/reconcile/suggest/type", summary="Type-ahead over the ontology's classes",
            response_model=SuggestOut, responses=_ERRORS)
def suggest_type(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
                 prefix: Annotated[str, _PREFIX], cursor: Annotated[int, _CURSOR] = 0,
                 offset: Annotated[int | None, _OFFSET] = None,
                 limit: Annotated[int, _SUGGEST_LIMIT] = 10) -> Response:
    """Classes whose zh/en label, local name or CURIE fits `prefix`, with their broader classes."""
    page = reconciler.suggest_types(prefix, limit=limit, offset=_skip(cursor, offset))
    return _json_response(_suggest_out(page, choose_lang(prefix), broader=reconciler.vocabulary().classes))


@router.get(V1_ROOT + "/suggest/property", summary="Type-ahead over the graph's properties",
            response_model=SuggestOut, responses=_ERRORS)
@router.get("/reconcile/suggest/property", summary="Type-ahead over the graph's properties",
            response_model=SuggestOut, responses=_ERRORS)
def suggest_property(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
                     prefix: Annotated[str, _PREFIX], cursor: Annotated[int, _CURSOR] = 0,
                     offset: Annotated[int | None, _OFFSET] = None,
                     limit: Annotated[int, _SUGGEST_LIMIT] = 10) -> Response:
    """Properties whose zh/en label, local name or CURIE fits `prefix`."""
    page = reconciler.suggest_properties(prefix, limit=limit, offset=_skip(cursor, offset))
    return _json_response(_suggest_out(page, choose_lang(prefix)))


def _skip(cursor: int, offset: int | None) -> int:
    """Suggestions to skip: 1.0-draft's `offset` when given, else 0.2's `cursor`."""
    return cursor if offset is None else offset


@router.get(V1_ROOT + "/preview", summary="HTML preview card of an entity", response_class=HTMLResponse,
            responses={404: {"description": "entity_not_found"}})
@router.get("/reconcile/preview", summary="HTML preview card of an entity", response_class=HTMLResponse,
            responses={404: {"description": "entity_not_found"}})
def preview(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
            id: Annotated[str, Query(min_length=1, description="Entity slug, CURIE or IRI.")]) -> Response:
    """Labels, aliases, types and a few facts of the entity, for OpenRefine's preview pop-up."""
    return HTMLResponse(reconciler.preview(id).to_html())


@router.get("/reconcile/extend", summary="Data extension (extend= JSON)", responses=_ERRORS)
def extend_get(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
               extend: Annotated[str, Query(description="{\"ids\": [...], \"properties\": [{\"id\": …}]}")],
               ) -> Response:
    """Property values of the ids, in the 0.2 shape."""
    return _json_response(extension_v02(_extend(reconciler, extend)))


@router.post("/reconcile/extend", summary="Data extension: form extend= (0.2) or a JSON body (1.0-draft)",
             responses=_ERRORS)
def extend_post(request: Request, body: Annotated[bytes, Depends(_read_body)],
                reconciler: Annotated[Reconciler, Depends(get_reconciler)]) -> Response:
    """Entities as {id, name}; literals as {str}, {int}, {float} or {date} (gYear stays a string)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        return _json_response(extension_v1(_extend(reconciler, _text(body))))
    params = _parameters(request, body)
    if "extend" not in params:
        raise BadRequestError("POST /reconcile/extend needs a form field extend= or a JSON body.")
    return _json_response(extension_v02(_extend(reconciler, params["extend"])))


@router.post(V1_ROOT + "/extend", summary="Data extension (1.0-draft): a JSON body", responses=_ERRORS)
def extend_v1(request: Request, body: Annotated[bytes, Depends(_read_body)],
              reconciler: Annotated[Reconciler, Depends(get_reconciler)]) -> Response:
    """`{"ids": [...], "properties": [{"id": …, "settings": {…}}]}` -> rows of the 1.0-draft shape."""
    return _json_response(extension_v1(_extend(reconciler, _json_body(request, body, "extend"))))


_TYPE = Query(description="Class (CURIE, IRI or ontology name); all entities when absent.")
_PROPOSE_LIMIT = Query(ge=1, description="Most properties (at most KG_LOOKUP_LIMIT).")


@router.get("/reconcile/propose_properties", summary="Properties worth fetching for a type (0.2)",
            response_model=ProposalOut, responses=_ERRORS)
def propose_properties(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
                       type: Annotated[str | None, _TYPE] = None,
                       limit: Annotated[int, _PROPOSE_LIMIT] = 20) -> Response:
    """The properties instances of `type` have, most used first."""
    return _json_response(_proposal(reconciler, type, limit))


@router.get(V1_ROOT + "/extend/propose", summary="Properties worth fetching for a type (1.0-draft)",
            response_model=ProposalOut, responses=_ERRORS)
@router.get("/reconcile/extend/propose", summary="Properties worth fetching for a type (1.0-draft)",
            response_model=ProposalOut, responses=_ERRORS)
def propose_properties_v1(reconciler: Annotated[Reconciler, Depends(get_reconciler)],
                          type: Annotated[str | None, _TYPE] = None,
                          limit: Annotated[int, _PROPOSE_LIMIT] = 20) -> Response:
    """The same proposal under the 1.0-draft path."""
    return _json_response(_proposal(reconciler, type, limit))


def _proposal(reconciler: Reconciler, type_: str | None, limit: int) -> ProposalOut:
    found = reconciler.propose_properties(type_, limit=limit)
    return ProposalOut(type=type_, limit=min(limit, reconciler.limit_cap), properties=[
        PropertyOut(id=p.curie, name=p.bilingual(), description=p.comment) for p in found])
