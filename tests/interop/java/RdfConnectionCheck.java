import java.net.http.HttpClient;
import java.util.function.Supplier;
import org.apache.jena.atlas.web.HttpException;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdfconnection.RDFConnection;
import org.apache.jena.rdfconnection.RDFConnectionRemote;

/**
 * Jena's RDFConnection against a kg service: a SELECT, an update and Graph Store put/post/get/delete
 * with a bearer token, and the same writes without one.
 *
 * Usage: java RdfConnectionCheck BASE_URL GRAPH_PREFIX, with the token in $KG_TOKEN. Prints one
 * "key TAB value" line per observation and leaves the judging to the calling test; an unexpected
 * failure is a stack trace and a non-zero exit.
 */
public final class RdfConnectionCheck {
    private static final String SKOS = "http://www.w3.org/2004/02/skos/core#";

    private RdfConnectionCheck() {}

    public static void main(String[] args) {
        String base = args[0];
        String prefix = args[1];
        HttpClient plain = HttpClient.newHttpClient();
        try (RDFConnection conn = connect(base, new BearerHttpClient(plain, System.getenv("KG_TOKEN")))) {
            select(conn);
            update(conn, prefix + "update");
            graphStore(conn, prefix + "gsp");
        }
        try (RDFConnection anonymous = connect(base, plain)) {
            refused(anonymous, prefix + "refused");
        }
    }

    private static RDFConnection connect(String base, HttpClient client) {
        return RDFConnectionRemote.newBuilder().destination(base).httpClient(client)
            .queryEndpoint("sparql").updateEndpoint("sparql").gspEndpoint("rdf-graphs").build();
    }

    private static void select(RDFConnection conn) {
        conn.querySelect("PREFIX skos: <" + SKOS + ">\n"
                + "SELECT ?s ?label WHERE { ?s skos:altLabel \"国家发改委\"@zh ; skos:prefLabel ?label }",
            row -> report("select", row.getResource("s").getURI() + " "
                + row.getLiteral("label").getLexicalForm() + "@" + row.getLiteral("label").getLanguage()));
    }

    private static void update(RDFConnection conn, String graph) {
        conn.update("INSERT DATA { GRAPH <" + graph + "> { <" + graph + "#s> <" + SKOS + "note> "
            + "\"经 Jena RDFConnection 写入\"@zh } }");
        conn.querySelect("SELECT ?o WHERE { GRAPH <" + graph + "> { ?s ?p ?o } }",
            row -> report("update.readback", row.getLiteral("o").getLexicalForm()));
        conn.update("DROP GRAPH <" + graph + ">");
        report("update.after_drop", conn.queryAsk("ASK { GRAPH <" + graph + "> { ?s ?p ?o } }"));
    }

    private static void graphStore(RDFConnection conn, String graph) {
        Model model = sample(graph);
        conn.put(graph, model);
        Model fetched = conn.fetch(graph);
        report("gsp.put.size", fetched.size());
        report("gsp.put.isomorphic", fetched.isIsomorphicWith(model));
        Model extra = ModelFactory.createDefaultModel();
        extra.add(extra.createResource(graph + "#s"), extra.createProperty(SKOS, "altLabel"), "科学城", "zh");
        conn.load(graph, extra);
        report("gsp.post.size", conn.fetch(graph).size());
        conn.put(graph, model);
        report("gsp.reput.size", conn.fetch(graph).size());
        conn.delete(graph);
        report("gsp.after_delete", status(() -> conn.fetch(graph).size()));
    }

    private static void refused(RDFConnection anonymous, String graph) {
        report("noauth.update", status(() -> {
            anonymous.update("INSERT DATA { GRAPH <" + graph + "> { <urn:x-s> <urn:x-p> \"o\" } }");
            return "accepted";
        }));
        report("noauth.put", status(() -> {
            anonymous.put(graph, sample(graph));
            return "accepted";
        }));
    }

    private static Model sample(String graph) {
        Model model = ModelFactory.createDefaultModel();
        Resource subject = model.createResource(graph + "#s");
        Property label = model.createProperty(SKOS, "prefLabel");
        model.add(subject, label, "张江科学城", "zh");
        model.add(subject, label, "Zhangjiang Science City", "en");
        model.addLiteral(subject, model.createProperty("https://schema.org/", "foundingDate"),
            model.createTypedLiteral("2017", XSDDatatype.XSDgYear));
        return model;
    }

    /**
     * The HTTP status of the failed call ("error:CLASS" for another failure), or what the call
     * returned when it did not fail. Jena 4.5 understands only Basic and Digest challenges: on a
     * 401 with "WWW-Authenticate: Bearer ..." it logs "Bad authentication response" and fails with
     * a NullPointerException (AuthLib.handle401) instead of an HttpException carrying the 401.
     */
    private static Object status(Supplier<Object> call) {
        try {
            return call.get();
        } catch (HttpException e) {
            return e.getStatusCode();
        } catch (RuntimeException e) {
            return "error:" + e.getClass().getSimpleName();
        }
    }

    private static void report(String key, Object value) {
        System.out.println(key + "\t" + value);
    }
}
