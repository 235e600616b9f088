"""simple-salesforce, unchanged, against the orgsync emulator (over HTTPS with its CA).

Run by tests/conformance.rs with EMU_URL, EMU_TOKEN and EMU_CA set. Each check prints one line;
the script ends with 'N passed, M failed' and exits non-zero when anything failed.
"""
import csv
import datetime
import io
import json
import os
import sys
import traceback

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

URL = os.environ["EMU_URL"]
TOKEN = os.environ["EMU_TOKEN"]
CA = os.environ["EMU_CA"]

session = requests.Session()
session.verify = CA
sf = Salesforce(instance_url=URL, session_id=TOKEN, version="59.0", session=session)

RESULTS = []


def check(name):
    def wrap(fn):
        try:
            fn()
            RESULTS.append((name, None))
            print(f"ok   {name}", flush=True)
        except Exception as exc:  # noqa: BLE001 - report every failure and go on
            RESULTS.append((name, exc))
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
            traceback.print_exc()
        return fn
    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


STATE = {}


def ext_field(obj):
    """The first external-ID text field of an object, from its describe."""
    desc = getattr(sf, obj).describe()
    for f in desc["fields"]:
        if f["externalId"] and f["type"] == "string":
            return f["name"]
    raise AssertionError(f"{obj} has no external-ID text field in the emulator fixture")


@check("describe global lists Account and Contact")
def _():
    d = sf.describe()
    names = {o["name"] for o in d["sobjects"]}
    expect({"Account", "Contact", "Opportunity", "Case", "User"} <= names, names)
    expect(d["maxBatchSize"] == 200, d.get("maxBatchSize"))


@check("sobject describe has fields with the full key set")
def _():
    d = sf.Account.describe()
    expect(d["name"] == "Account" and d["keyPrefix"] == "001", d["name"])
    name = next(f for f in d["fields"] if f["name"] == "Name")
    for key in ("type", "length", "nillable", "createable", "updateable", "externalId",
                "referenceTo", "relationshipName", "picklistValues", "soapType", "calculated"):
        expect(key in name, key)


@check("sobject basic info (metadata)")
def _():
    m = sf.Account.metadata()
    expect(m["objectDescribe"]["name"] == "Account", m)


@check("create, get, update, get")
def _():
    r = sf.Account.create({"Name": "Conformance Python One", "Phone": "555-0100"})
    expect(r["success"] is True and r["id"].startswith("001") and len(r["id"]) == 18, r)
    STATE["id"] = r["id"]
    got = sf.Account.get(r["id"])
    expect(got["Name"] == "Conformance Python One", got.get("Name"))
    expect(got["attributes"]["type"] == "Account", got["attributes"])
    status = sf.Account.update(r["id"], {"Phone": "555-0199"})
    expect(status == 204, status)
    expect(sf.Account.get(r["id"])["Phone"] == "555-0199", "phone not updated")


@check("query and query_all with paging (batchSize=200)")
def _():
    records = [{"attributes": {"type": "Contact"}, "LastName": f"Paging {i}"} for i in range(200)]
    for _ in range(2):
        res = sf.restful("composite/sobjects", method="POST",
                         data=json.dumps({"allOrNone": True, "records": records}))
        expect(all(r["success"] for r in res), res[:2])
    q = "SELECT Id, LastName FROM Contact WHERE LastName LIKE 'Paging %'"
    first = sf.query(q, headers={"Sforce-Query-Options": "batchSize=200"})
    expect(first["totalSize"] >= 400 and first["done"] is False, (first["totalSize"], first["done"]))
    expect(first["nextRecordsUrl"].startswith("/services/data/v59.0/query/"), first["nextRecordsUrl"])
    expect(len(first["records"]) == 200, len(first["records"]))
    every = sf.query_all(q, headers={"Sforce-Query-Options": "batchSize=200"})
    ids = [r["Id"] for r in every["records"]]
    expect(len(ids) == every["totalSize"] == len(set(ids)), (len(ids), every["totalSize"]))


@check("upsert by external id: created then updated; get_by_custom_id")
def _():
    field = ext_field("Account")
    STATE["ext"] = field
    status = sf.Account.upsert(f"{field}/PY-UPSERT-1", {"Name": "Upserted Python"})
    expect(status == 201, status)
    status = sf.Account.upsert(f"{field}/PY-UPSERT-1", {"Name": "Upserted Python Again"})
    expect(status in (200, 204), status)
    got = sf.Account.get_by_custom_id(field, "PY-UPSERT-1")
    expect(got["Name"] == "Upserted Python Again", got.get("Name"))


@check("sObject collections: create, update, retrieve, delete")
def _():
    res = sf.restful("composite/sobjects", method="POST", data=json.dumps({
        "allOrNone": False,
        "records": [{"attributes": {"type": "Account"}, "Name": "Coll A"},
                    {"attributes": {"type": "Account"}}]}))
    expect(res[0]["success"] is True, res[0])
    expect(res[1]["success"] is False and res[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING", res[1])
    aid = res[0]["id"]
    res = sf.restful("composite/sobjects", method="PATCH", data=json.dumps({
        "records": [{"attributes": {"type": "Account"}, "id": aid, "Phone": "1"}]}))
    expect(res[0]["success"] is True, res)
    got = sf.restful(f"composite/sobjects/Account", method="POST",
                     data=json.dumps({"ids": [aid], "fields": ["Id", "Phone"]}))
    expect(got[0]["Phone"] == "1", got)
    res = sf.restful("composite/sobjects", method="DELETE", params={"ids": aid})
    expect(res[0]["success"] is True, res)


@check("delete, then queryAll sees IsDeleted and get is NOT_FOUND")
def _():
    rid = STATE["id"]
    expect(sf.Account.delete(rid) == 204, "delete status")
    res = sf.query_all(f"SELECT Id, IsDeleted FROM Account WHERE Id = '{rid}'", include_deleted=True)
    expect(res["totalSize"] == 1 and res["records"][0]["IsDeleted"] is True, res)
    live = sf.query(f"SELECT Id FROM Account WHERE Id = '{rid}'")
    expect(live["totalSize"] == 0, live)
    try:
        sf.Account.get(rid)
        raise AssertionError("get of a deleted record succeeded")
    except SalesforceResourceNotFound as err:
        expect(err.content[0]["errorCode"] in ("NOT_FOUND", "ENTITY_IS_DELETED"), err.content)


@check("updated and deleted replication resources")
def _():
    # Salesforce covers replication windows in whole minutes (latestDateCovered never passes the
    # current minute), so move the emulator's clock two minutes on through its control API.
    moved = session.post(f"{URL}/__emulator/clock", json={"advanceSeconds": 120})
    expect(moved.status_code == 200, moved.text)
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=3)
    start = end - datetime.timedelta(hours=1)
    upd = sf.Account.updated(start, end)
    expect("ids" in upd and "latestDateCovered" in upd, upd)
    dele = sf.Account.deleted(start, end)
    expect(any(d["id"] == STATE["id"] for d in dele["deletedRecords"]), dele)
    expect("earliestDateAvailable" in dele, dele)


@check("limits and the Sforce-Limit-Info usage header")
def _():
    lim = sf.limits()
    expect(lim["DailyApiRequests"]["Max"] > 0, lim["DailyApiRequests"])
    usage = sf.api_usage.get("api-usage")
    expect(usage is not None and usage.used > 0 and usage.total == lim["DailyApiRequests"]["Max"], sf.api_usage)


@check("tooling query of Apex triggers")
def _():
    res = sf.toolingexecute("query/?q=SELECT+Id,Name,TableEnumOrId,Status+FROM+ApexTrigger")
    expect(res["totalSize"] >= 1 and res["records"][0]["attributes"]["type"] == "ApexTrigger", res)


@check("error shapes: malformed query, unknown field, missing required field, bad session")
def _():
    try:
        sf.query("SELEC Id FROM Account")
        raise AssertionError("malformed query accepted")
    except SalesforceMalformedRequest as err:
        expect(err.content[0]["errorCode"] == "MALFORMED_QUERY", err.content)
    try:
        sf.query("SELECT Nope__c FROM Account")
        raise AssertionError("unknown field accepted")
    except SalesforceMalformedRequest as err:
        expect(err.content[0]["errorCode"] == "INVALID_FIELD", err.content)
    try:
        sf.Contact.create({"FirstName": "NoLast"})
        raise AssertionError("missing LastName accepted")
    except SalesforceMalformedRequest as err:
        expect(err.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING", err.content)
        expect("LastName" in err.content[0]["fields"], err.content)
    bad = Salesforce(instance_url=URL, session_id="00Dbad!token", version="59.0", session=session)
    try:
        bad.query("SELECT Id FROM Account")
        raise AssertionError("bad token accepted")
    except SalesforceExpiredSession as err:
        expect(err.content[0]["errorCode"] == "INVALID_SESSION_ID", err.content)


@check("Bulk 2.0 insert and query")
def _():
    rows = [{"Name": f"Bulk Python {i}", "Phone": f"555-{i:04d}"} for i in range(300)]
    results = sf.bulk2.Account.insert(records=rows, wait=1)
    expect(sum(r["numberRecordsProcessed"] for r in results) == 300, results)
    expect(sum(r["numberRecordsFailed"] for r in results) == 0, results)
    pages = list(sf.bulk2.Account.query("SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk Python %'",
                                        max_records=100, wait=1))
    total = 0
    for page in pages:
        reader = csv.DictReader(io.StringIO(page))
        for row in reader:
            expect(row["Name"].startswith("Bulk Python "), row)
            total += 1
    expect(total == 300 and len(pages) == 3, (total, len(pages)))


passed = sum(1 for _, e in RESULTS if e is None)
failed = len(RESULTS) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
