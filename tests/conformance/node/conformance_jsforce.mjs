// jsforce, unchanged, against the orgsync emulator (plain HTTP).
// Run by tests/conformance.rs with EMU_URL and EMU_TOKEN set. Each check prints one line; the
// script ends with 'N passed, M failed' and exits non-zero when anything failed.
import jsforce from 'jsforce';

const conn = new jsforce.Connection({
  instanceUrl: process.env.EMU_URL,
  accessToken: process.env.EMU_TOKEN,
  version: '59.0',
});

const results = [];
const state = {};

async function check(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (err) {
    results.push([name, err]);
    console.log(`FAIL ${name}: ${err && err.name}: ${err && err.message}`);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(`expectation failed: ${JSON.stringify(what)}`);
}

async function expectError(promise, code) {
  try {
    await promise;
  } catch (err) {
    expect(err.errorCode === code || err.name === code, { got: err.errorCode || err.name, want: code });
    return err;
  }
  throw new Error(`expected ${code}, got success`);
}

await check('describeGlobal and describe', async () => {
  const g = await conn.describeGlobal();
  const names = new Set(g.sobjects.map((o) => o.name));
  for (const n of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']) expect(names.has(n), n);
  const d = await conn.describe('Contact');
  const acc = d.fields.find((f) => f.name === 'AccountId');
  expect(acc && acc.type === 'reference' && acc.referenceTo[0] === 'Account', acc);
  expect(acc.relationshipName === 'Account', acc.relationshipName);
});

await check('create / retrieve / update / destroy single records', async () => {
  const r = await conn.sobject('Account').create({ Name: 'Conformance JS One' });
  expect(r.success && r.id.length === 18, r);
  state.id = r.id;
  const got = await conn.sobject('Account').retrieve(r.id);
  expect(got.Name === 'Conformance JS One' && got.attributes.type === 'Account', got);
  const u = await conn.sobject('Account').update({ Id: r.id, Phone: '555-0200' });
  expect(u.success === true, u);
  const again = await conn.sobject('Account').retrieve(r.id);
  expect(again.Phone === '555-0200', again.Phone);
});

await check('collections: create, update, retrieve, destroy arrays', async () => {
  const created = await conn.sobject('Contact').create([
    { LastName: 'JS Coll 1', AccountId: state.id },
    { LastName: 'JS Coll 2' },
    { FirstName: 'NoLastName' },
  ]);
  expect(created[0].success && created[1].success, created);
  expect(!created[2].success && created[2].errors[0].statusCode === 'REQUIRED_FIELD_MISSING', created[2]);
  const ids = [created[0].id, created[1].id];
  const updated = await conn.sobject('Contact').update(ids.map((Id) => ({ Id, Title: 'Tested' })));
  expect(updated.every((x) => x.success), updated);
  const got = await conn.sobject('Contact').retrieve(ids);
  expect(got.length === 2 && got.every((c) => c.Title === 'Tested'), got.map((c) => c && c.Title));
  const gone = await conn.sobject('Contact').destroy(ids);
  expect(gone.every((x) => x.success), gone);
});

await check('query with parent relationship, queryMore paging, scanAll', async () => {
  const rows = [];
  for (let i = 0; i < 450; i++) rows.push({ LastName: `JS Paging ${i}`, AccountId: state.id });
  const res = await conn.sobject('Contact').create(rows, { allowRecursive: true });
  expect(res.length === 450 && res.every((r) => r.success), res.find((r) => !r.success));
  const first = await conn.query(
    "SELECT Id, LastName, Account.Name FROM Contact WHERE LastName LIKE 'JS Paging%'",
    { headers: { 'Sforce-Query-Options': 'batchSize=200' }, autoFetch: false },
  );
  expect(first.totalSize === 450, first.totalSize);
  expect(first.records[0].Account.Name === 'Conformance JS One', first.records[0].Account);
  let fetched = first.records.length;
  let next = first.nextRecordsUrl;
  while (next) {
    const page = await conn.queryMore(next);
    fetched += page.records.length;
    next = page.done ? null : page.nextRecordsUrl;
  }
  expect(fetched === 450, fetched);
  const all = await conn.query("SELECT Id FROM Contact WHERE LastName LIKE 'JS Paging%'").scanAll(true).run({ autoFetch: true, maxFetch: 10000 });
  expect(all.records.length === 450, all.records.length);
});

await check('upsert by external id (201 then 200)', async () => {
  const d = await conn.describe('Account');
  const ext = d.fields.find((f) => f.externalId && f.type === 'string');
  expect(ext, 'an external-ID text field on Account');
  const a = await conn.sobject('Account').upsert({ Name: 'JS Upsert', [ext.name]: 'JS-UPSERT-1' }, ext.name);
  expect(a.success && a.created === true, a);
  const b = await conn.sobject('Account').upsert({ Name: 'JS Upsert 2', [ext.name]: 'JS-UPSERT-1' }, ext.name);
  expect(b.success && b.created === false, b);
});

await check('updated / deleted replication resources', async () => {
  await conn.sobject('Account').destroy(state.id);
  // Salesforce covers replication windows in whole minutes (latestDateCovered never passes the
  // current minute), so move the emulator's clock two minutes on through its control API.
  const moved = await fetch(`${process.env.EMU_URL}/__emulator/clock`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 120 }),
  });
  expect(moved.status === 200, await moved.text());
  const end = new Date(Date.now() + 180_000).toISOString();
  const start = new Date(Date.now() - 3_600_000).toISOString();
  const upd = await conn.sobject('Account').updated(start, end);
  expect(Array.isArray(upd.ids) && upd.latestDateCovered, upd);
  const del = await conn.sobject('Account').deleted(start, end);
  expect(del.deletedRecords.some((r) => r.id === state.id), del);
});

await check('limits and the usage header', async () => {
  const lim = await conn.limits();
  expect(lim.DailyApiRequests.Max > 0, lim.DailyApiRequests);
  expect(conn.limitInfo.apiUsage && conn.limitInfo.apiUsage.used > 0, conn.limitInfo);
  expect(conn.limitInfo.apiUsage.limit === lim.DailyApiRequests.Max, conn.limitInfo);
});

await check('tooling query', async () => {
  const res = await conn.tooling.query('SELECT Id, Name, Status, TableEnumOrId FROM ApexTrigger');
  expect(res.totalSize >= 1 && res.records[0].attributes.type === 'ApexTrigger', res);
});

await check('soap undelete restores a deleted record', async () => {
  const acc = await conn.sobject('Account').create({ Name: 'JS Undelete Parent' });
  const con = await conn.sobject('Contact').create({ LastName: 'JS Undelete Child', AccountId: acc.id });
  await conn.sobject('Account').destroy(acc.id);
  await expectError(conn.sobject('Contact').retrieve(con.id), 'NOT_FOUND');
  const res = await conn.soap.undelete([acc.id]);
  const rows = Array.isArray(res) ? res : [res];
  expect(rows.length === 1 && rows[0].success === true && rows[0].id === acc.id, res);
  const back = await conn.sobject('Account').retrieve(acc.id);
  expect(back.Name === 'JS Undelete Parent', back);
  const child = await conn.sobject('Contact').retrieve(con.id);
  expect(child.AccountId === acc.id, child);
  const again = await conn.soap.undelete([acc.id]);
  const row = Array.isArray(again) ? again[0] : again;
  expect(row.success === false && row.errors[0].statusCode === 'UNDELETE_FAILED', again);
});

await check('error shapes', async () => {
  await expectError(conn.query('SELECT FROM Account'), 'MALFORMED_QUERY');
  await expectError(conn.query('SELECT Id FROM NoSuchThing__c'), 'INVALID_TYPE');
  await expectError(conn.sobject('Account').retrieve('001000000000000AAA'), 'NOT_FOUND');
  const bad = new jsforce.Connection({ instanceUrl: process.env.EMU_URL, accessToken: 'nope', version: '59.0' });
  await expectError(bad.query('SELECT Id FROM Account'), 'INVALID_SESSION_ID');
});

await check('Bulk 2.0 insert and query', async () => {
  const input = [];
  for (let i = 0; i < 250; i++) input.push({ Name: `JS Bulk ${i}`, Phone: `555-${i}` });
  const res = await conn.bulk2.loadAndWaitForResults({
    object: 'Account', operation: 'insert', input, pollInterval: 200, pollTimeout: 30_000,
  });
  expect(res.successfulResults.length === 250 && res.failedResults.length === 0, {
    ok: res.successfulResults.length, failed: res.failedResults.length,
  });
  expect(res.successfulResults[0].sf__Id.startsWith('001'), res.successfulResults[0]);
  const stream = await conn.bulk2.query("SELECT Id, Name FROM Account WHERE Name LIKE 'JS Bulk %'", {
    pollInterval: 200, pollTimeout: 30_000,
  });
  const records = await stream.toArray();
  expect(records.length === 250 && records[0].Name.startsWith('JS Bulk'), records.length);
});

const passed = results.filter(([, e]) => !e).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
