package dev.switchboard.health;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.switchboard.routing.ProxyResponse;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * Mounts the admin API on the management port, private by default ({@link AdminAccess}); every answer is JSON and
 * never cached.
 */
@ApplicationScoped
public class AdminRoutes {

    private final RouterHealthEndpoint routerHealth;
    private final UsageEndpoint usage;
    private final PolicyEndpoint policy;
    private final AdminAccess access;

    public AdminRoutes(RouterHealthEndpoint routerHealth, UsageEndpoint usage, PolicyEndpoint policy,
            AdminAccess access) {
        this.routerHealth = routerHealth;
        this.usage = usage;
        this.policy = policy;
        this.access = access;
    }

    void install(@Observes ManagementInterface management) {
        get(management, RouterHealthEndpoint.PATH, routerHealth::render);
        get(management, UsageEndpoint.PATH, usage::render);
        get(management, PolicyEndpoint.PATH, policy::render);
    }

    private void get(ManagementInterface management, String path, Supplier<String> body) {
        management.router().get(path).handler(context -> {
            AdminAccess.Verdict verdict = access.check(context.request());
            if (verdict != AdminAccess.Verdict.ALLOWED) {
                deny(context, verdict);
                return;
            }
            context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(body.get());
        });
    }

    /** 401 with a challenge when a token would let the caller in, 403 when nothing would. */
    private static void deny(RoutingContext context, AdminAccess.Verdict verdict) {
        boolean challenge = verdict != AdminAccess.Verdict.FORBIDDEN;
        String message = challenge
                ? "The admin API needs 'Authorization: Bearer <token>' with the token of switchboard.admin.token-file."
                : "The admin API answers only on the pod itself (kubectl port-forward or kubectl exec), or with a"
                        + " bearer token when switchboard.admin.token-file is set.";
        if (challenge) {
            context.response().putHeader("WWW-Authenticate", "Bearer realm=\"switchboard-admin\"");
        }
        context.response().setStatusCode(challenge ? 401 : 403).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(ProxyResponse.error(403, message, "permission_error", "admin_forbidden", Map.of()).whole());
    }
}
