package io.patchbay.app;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Where the other instances of a cluster reach this one's HTTP server, advertised to them as Kafka
 * Streams' {@code application.server}: {@value #ENV} ({@code http://host:port}, or {@code host:port}),
 * else the address the server binds; a server bound to every interface advertises this machine's
 * host name.
 */
record AdvertisedUrl(String host, int port) {

    static final String ENV = "PATCHBAY_ADVERTISED_URL";

    AdvertisedUrl {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException(ENV + " must name a host and a port from 1 to 65535, such as "
                    + "http://patchbay-1.internal:8080; was " + host + ":" + port);
        }
    }

    static AdvertisedUrl resolve(Map<String, String> env, String boundHost, int boundPort) {
        String text = env.get(ENV);
        if (text != null && !text.isBlank()) {
            return parse(text.trim());
        }
        boolean everywhere = boundHost == null || boundHost.isBlank() || "0.0.0.0".equals(boundHost)
                || "::".equals(boundHost) || "[::]".equals(boundHost);
        return new AdvertisedUrl(everywhere ? localHostName() : boundHost, boundPort);
    }

    static AdvertisedUrl parse(String text) {
        String url = text.contains("://") ? text : "http://" + text;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENV + " is not a URL such as http://patchbay-1.internal:8080: '" + text
                    + "' (" + e.getReason() + ")");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(ENV + " must be an http:// URL (instances ask each other over plain "
                    + "HTTP on the inbox's port), was '" + text + "'");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath())) {
            throw new IllegalArgumentException(ENV + " names a host and port only, without a path; was '" + text + "'");
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException(ENV + " must name a host and a port, such as "
                    + "http://patchbay-1.internal:8080; was '" + text + "'");
        }
        return new AdvertisedUrl(uri.getHost(), uri.getPort());
    }

    /** As Streams' {@code application.server} takes it. */
    String hostPort() {
        return host + ":" + port;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the HTTP server binds every interface and this machine's host name does "
                    + "not resolve; set " + ENV + " to the URL other instances reach this one at", e);
        }
    }
}
