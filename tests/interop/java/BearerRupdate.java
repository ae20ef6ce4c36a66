import org.apache.jena.http.sys.RegistryRequestModifier;

/**
 * Jena's own `rupdate` command, with "Authorization: Bearer $KG_TOKEN" on its requests.
 *
 * rupdate 4.5 has no option for request headers, and `--set` only sets context symbols to strings,
 * while the header hook (ARQ.httpRequestModifer) wants an object. Jena's HTTP layer also consults
 * RegistryRequestModifier, keyed by service URL, for every SPARQL query and update it sends
 * (HttpLib.modifyByService): registering the token there, then running arq.rupdate unchanged, is the
 * command line plus one supported setting. The token comes from the environment, not argv (ps).
 */
public final class BearerRupdate {
    private BearerRupdate() {}

    public static void main(String[] args) {
        String token = System.getenv("KG_TOKEN");
        if (token == null || token.isEmpty()) {
            System.err.println("BearerRupdate: set KG_TOKEN to the bearer token");
            System.exit(2);
        }
        RegistryRequestModifier.get().add(service(args),
            (params, headers) -> headers.put("Authorization", "Bearer " + token));
        arq.rupdate.main(args);
    }

    private static String service(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--service=")) {
                return args[i].substring("--service=".length());
            }
            if (args[i].equals("--service") && i + 1 < args.length) {
                return args[i + 1];
            }
        }
        System.err.println("BearerRupdate: give --service=URL");
        System.exit(2);
        return null;
    }
}
