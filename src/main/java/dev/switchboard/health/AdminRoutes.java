package dev.switchboard.health;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.switchboard.routing.ProxyResponse;
import io.quarkus.vertx.http.ManagementInterface;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

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
    private final DrillEndpoint drills;

    public AdminRoutes(RouterHealthEndpoint routerHealth, UsageEndpoint usage, PolicyEndpoint policy,
            AdminAccess access, DrillEndpoint drills) {
        this.drills = drills;
        this.routerHealth = routerHealth;
        this.usage = usage;
        this.policy = policy;
        this.access = access;
    }

    void install(@Observes ManagementInterface management) {
        get(management, RouterHealthEndpoint.PATH, routerHealth::render);
        adminAsync(management.router().get(UsageEndpoint.PATH),
                context -> usage.render().map(body -> new AdminAnswer(200, body)));
        get(management, PolicyEndpoint.PATH, policy::render);
        get(management, DrillEndpoint.PATH, drills::list);
        Router router = management.router();
        router.post(DrillEndpoint.PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_ADMIN_BODY));
        admin(router.post(DrillEndpoint.PATH), context -> drills.start(context.body().buffer() == null ? new byte[0]
                : context.body().buffer().getBytes()));
        admin(router.delete(DrillEndpoint.PATH + "/:id"), context -> drills.stop(context.pathParam("id")));
    }

    /** The most an admin request body may hold. */
    static final int MAX_ADMIN_BODY = 64 * 1024;

    private void get(ManagementInterface management, String path, Supplier<String> body) {
        admin(management.router().get(path), context -> new AdminAnswer(200, body.get()));
    }

    private void admin(Route route, Function<RoutingContext, AdminAnswer> answer) {
        adminAsync(route, context -> Uni.createFrom().item(answer.apply(context)));
    }

    /** An admin route whose answer comes later (it reads the shared store): never blocks the event loop. */
    private void adminAsync(Route route, Function<RoutingContext, Uni<AdminAnswer>> answer) {
        route.handler(context -> {
            AdminAccess.Verdict verdict = access.check(context.request());
            if (verdict != AdminAccess.Verdict.ALLOWED) {
                deny(context, verdict);
                return;
            }
            answer.apply(context).subscribe().with(result -> context.response().setStatusCode(result.status())
                    .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(result.body()), failure -> context.fail(failure));
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
