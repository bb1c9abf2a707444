package dev.switchboard.health;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;

/** Mounts the admin API on the management port; every answer is JSON and never cached. */
@ApplicationScoped
public class AdminRoutes {

    private final RouterHealthEndpoint routerHealth;
    private final UsageEndpoint usage;
    private final PolicyEndpoint policy;

    public AdminRoutes(RouterHealthEndpoint routerHealth, UsageEndpoint usage, PolicyEndpoint policy) {
        this.routerHealth = routerHealth;
        this.usage = usage;
        this.policy = policy;
    }

    void install(@Observes ManagementInterface management) {
        get(management, RouterHealthEndpoint.PATH, routerHealth::render);
        get(management, UsageEndpoint.PATH, usage::render);
        get(management, PolicyEndpoint.PATH, policy::render);
    }

    private static void get(ManagementInterface management, String path, Supplier<String> body) {
        management.router().get(path).handler(context -> context.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body.get()));
    }
}
