// fetch-sparql-endpoint (npm) against a kg service: SELECT (POST form), ASK and CONSTRUCT (GET), an
// update with a bearer token, the same update without one, and DROP.
//
// Usage: node sparql_client.mjs ENDPOINT GRAPH, with the token in $KG_TOKEN. Prints one JSON object
// of observations; the calling test judges them. An unexpected failure exits non-zero.
import { SparqlEndpointFetcher } from "fetch-sparql-endpoint";

const [endpoint, graph] = process.argv.slice(2);
const SKOS = "http://www.w3.org/2004/02/skos/core#";
const LABELS = `PREFIX skos: <${SKOS}>
SELECT ?s ?label WHERE { ?s skos:altLabel "科创办"@zh ; skos:prefLabel ?label }`;

const poster = new SparqlEndpointFetcher(); // queries as POST application/x-www-form-urlencoded
const getter = new SparqlEndpointFetcher({ method: "GET" });
const writer = new SparqlEndpointFetcher({
  defaultHeaders: new Headers({ Authorization: `Bearer ${process.env.KG_TOKEN}` }),
});

function collect(stream) {
  return new Promise((resolve, reject) => {
    const items = [];
    stream.on("data", (item) => items.push(item));
    stream.on("error", reject);
    stream.on("end", () => resolve(items));
  });
}

function term(value) {
  return value.termType === "Literal"
    ? { type: value.termType, value: value.value, lang: value.language }
    : { type: value.termType, value: value.value };
}

async function rows(fetcher, query) {
  const bindings = await collect(await fetcher.fetchBindings(endpoint, query));
  return bindings.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, term(v)])));
}

async function refused(fetcher, update) {
  try {
    await fetcher.fetchUpdate(endpoint, update);
    return "accepted";
  } catch (error) {
    return error.message;
  }
}

const insert = `INSERT DATA { GRAPH <${graph}> { <${graph}#s> <${SKOS}note> "经 fetch-sparql-endpoint 写入"@zh } }`;
const inGraph = `SELECT ?o WHERE { GRAPH <${graph}> { ?s ?p ?o } }`;
const report = {};
report.select = await rows(poster, LABELS);
report.ask = await getter.fetchAsk(endpoint, `PREFIX skos: <${SKOS}> ASK { ?s skos:altLabel "NDRC"@en }`);
const construct = `PREFIX skos: <${SKOS}>
CONSTRUCT { ?s skos:altLabel ?alias } WHERE { ?s skos:prefLabel "国家发展和改革委员会"@zh ; skos:altLabel ?alias }`;
report.construct = (await collect(await getter.fetchTriples(endpoint, construct)))
  .map((quad) => [term(quad.subject), term(quad.predicate), term(quad.object)]);
report.anonymousUpdate = await refused(poster, insert);
report.afterAnonymous = await rows(getter, inGraph);
await writer.fetchUpdate(endpoint, insert);
report.afterUpdate = await rows(getter, inGraph);
await writer.fetchUpdate(endpoint, `DROP GRAPH <${graph}>`);
report.afterDrop = await getter.fetchAsk(endpoint, `ASK { GRAPH <${graph}> { ?s ?p ?o } }`);
console.log(JSON.stringify(report));
