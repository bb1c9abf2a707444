package dev.switchboard.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who may read the admin API on the management port, which the kubelet and Prometheus reach from the cluster: a peer
 * on the pod itself (loopback: {@code kubectl port-forward} and {@code kubectl exec} arrive there), or anyone with the
 * bearer token of {@code switchboard.admin.token-file} (a mounted Secret, read at each request so a rotated Secret
 * takes effect). Without a token file, nobody else: the cluster-wide exposure needs an explicit setting.
 */
@ApplicationScoped
public class AdminAccess {

    private static final Logger LOGGER = Logger.getLogger(AdminAccess.class);

    /** What a request may do. */
    enum Verdict {
        ALLOWED,
        NO_TOKEN,
        WRONG_TOKEN,
        FORBIDDEN
    }

    /**
     * The pod itself: exactly 127.0.0.1 and ::1, not the rest of 127.0.0.0/8, where a mesh sidecar (Istio: 127.0.0.6)
     * delivers other pods' traffic.
     */
    private static final List<InetAddress> LOOPBACK = List.of(address(new byte[] { 127, 0, 0, 1 }),
            address(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }));

    private final Optional<Path> tokenFile;
    private final List<String> trustedPeers;

    public AdminAccess(@ConfigProperty(name = "switchboard.admin.token-file") Optional<Path> tokenFile,
            @ConfigProperty(name = "switchboard.admin.trusted-peers", defaultValue = "loopback") List<String> trustedPeers) {
        this.tokenFile = tokenFile;
        this.trustedPeers = List.copyOf(trustedPeers);
    }

    Verdict check(HttpServerRequest request) {
        if (trusted(request.remoteAddress())) {
            return Verdict.ALLOWED;
        }
        String token = token();
        if (token == null) {
            return Verdict.FORBIDDEN;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.NO_TOKEN;
        }
        // constant time: the comparison must not tell how much of a guess was right
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8)) ? Verdict.ALLOWED : Verdict.WRONG_TOKEN;
    }

    private boolean trusted(SocketAddress peer) {
        if (peer == null || peer.hostAddress() == null) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(peer.hostAddress());
            for (String trusted : trustedPeers) {
                if (trusted.equals("loopback") ? LOOPBACK.contains(address)
                        : !trusted.equals("none") && address.equals(InetAddress.getByName(trusted))) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token, or null when none is configured or its file cannot be read (logged, never the token itself). */
    private String token() {
        if (tokenFile.isEmpty()) {
            return null;
        }
        try {
            String token = Files.readString(tokenFile.get(), StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? null : token;
        } catch (IOException e) {
            LOGGER.warnf("switchboard.admin.token-file %s cannot be read (%s): the admin API answers only on the pod"
                    + " itself", tokenFile.get(), e.getClass().getSimpleName());
            return null;
        }
    }
}
