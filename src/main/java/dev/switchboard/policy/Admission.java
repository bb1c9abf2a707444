package dev.switchboard.policy;

import java.util.List;

import org.jboss.logging.Logger;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Route;
import dev.switchboard.model.RoutingTable;
import dev.switchboard.model.Target;
import dev.switchboard.model.Tenancy;
import dev.switchboard.model.Tenant;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.RequestHeaders;

/**
 * Decides, before any attempt, whether a request may be routed and where: the caller's tenant, the route its
 * {@code model} names (an alias, a {@code provider/model} pin, or the default route), the targets the tenant may use
 * whose context window holds the request, the request's traits and its session key. Pure: no CDI, no I/O, and the
 * same answer for the same table, request and headers. Thread-safe.
 */
public final class Admission {

    /** {@code high} makes a request complex, {@code low} simple, whatever its size. */
    public static final String HEADER_PRIORITY = "x-switchboard-priority";

    private static final Logger LOGGER = Logger.getLogger(Admission.class);

    private final RoutingTable table;

    public Admission(RoutingTable table) {
        this.table = table;
    }

    /** The route aliases the caller's tenant may name, in policy order, or why it may list none. */
    public record Listing(List<String> models, Decision.Refused refused) {
    }

    public Decision admit(RequestBody request, RequestHeaders headers) {
        try {
            Tenant tenant = tenant(headers);
            Route route = table.route(request.model()).orElse(null);
            boolean pinned = false;
            if (route == null) {
                route = pin(tenant, request.model());
                pinned = route != null;
            }
            if (route == null) {
                route = defaultRoute(request.model());
            }
            if (tenant != null && !tenant.allowsModel(pinned ? request.model() : route.name())) {
                throw refused(403, "model_not_allowed", "Tenant '" + tenant.name() + "' may not use model '"
                        + (pinned ? request.model() : route.name()) + "'.", null, null);
            }
            RequestTraits traits = traits(request, route, headers);
            return new Decision.Admitted(route, tenant, candidates(route, tenant, traits), traits,
                    session(route, request, headers), pinned);
        } catch (Refusal refusal) {
            return refusal.decision;
        }
    }

    /** {@code GET /v1/models}: the aliases whose route has a target the tenant may use. */
    public Listing models(RequestHeaders headers) {
        try {
            Tenant tenant = tenant(headers);
            return new Listing(table.routes().values().stream()
                    .filter(r -> tenant == null || (tenant.allowsModel(r.name())
                            && r.targets().stream().anyMatch(t -> tenant.allowsProvider(t.provider()))))
                    .map(Route::name).toList(), null);
        } catch (Refusal refusal) {
            return new Listing(List.of(), refusal.decision);
        }
    }

    /**
     * Who the caller is, for state kept on its behalf (stored responses): its tenant's name, {@code ""} when the
     * policy defines no tenants, or null when the caller names no tenant it may use.
     */
    public String owner(RequestHeaders headers) {
        try {
            Tenant tenant = tenant(headers);
            return tenant == null ? "" : tenant.name();
        } catch (Refusal refusal) {
            return null;
        }
    }

    /** The caller's tenant, or null when the policy defines no tenants. */
    private Tenant tenant(RequestHeaders headers) {
        Tenancy tenancy = table.tenancy();
        if (!tenancy.enabled()) {
            return null;
        }
        String name = headers.get(tenancy.header());
        if (name == null || name.isBlank()) {
            name = tenancy.defaultTenant();
            if (name == null) {
                throw refused(403, "tenant_required",
                        "Requests must name their tenant in the '" + tenancy.header() + "' header.", null, null);
            }
        }
        Tenant tenant = tenancy.tenants().get(name.strip());
        if (tenant == null) {
            throw refused(403, "tenant_not_allowed", "Unknown tenant '" + name + "'.", null, null);
        }
        return tenant;
    }

    /** The one-target route of a {@code provider/model} request, or null when {@code model} is not one. */
    private Route pin(Tenant tenant, String model) {
        Route route = table.pin(model).orElse(null);
        if (route != null && (!table.allowPinning() || (tenant != null && !tenant.allowPinning()))) {
            throw refused(403, "pinning_not_allowed", "Pinning a provider with '" + model + "' is not allowed"
                    + (tenant != null ? " for tenant '" + tenant.name() + "'" : "") + "; use a route alias.", null, null);
        }
        return route;
    }

    private Route defaultRoute(String model) {
        if (table.defaultRoute() == null) {
            throw refused(404, "model_not_found", "The model '" + model
                    + "' does not exist: it is neither a route of the policy (" + String.join(", ", table.routes().keySet())
                    + ") nor provider/model with a configured provider.", null, null);
        }
        LOGGER.debugf("model '%s' matches no route: using default-route '%s'", model, table.defaultRoute());
        return table.routes().get(table.defaultRoute());
    }

    private static RequestTraits traits(RequestBody request, Route route, RequestHeaders headers) {
        int prompt = request.estimatedPromptTokens();
        String priority = headers.get(HEADER_PRIORITY);
        boolean complex;
        if ("high".equalsIgnoreCase(priority)) {
            complex = true;
        } else if ("low".equalsIgnoreCase(priority)) {
            complex = false;
        } else {
            complex = request.hasTools() || prompt > route.options().complexityThreshold();
        }
        return new RequestTraits(prompt, request.maxTokens(), complex);
    }

    /** The route's targets this request may use: allowed for the tenant, with a context window that fits. */
    private static List<Target> candidates(Route route, Tenant tenant, RequestTraits traits) {
        List<Target> targets = route.targets();
        if (tenant != null && tenant.allowedProviders() != null) {
            targets = targets.stream().filter(t -> {
                boolean allowed = tenant.allowsProvider(t.provider());
                if (!allowed) {
                    LOGGER.debugf("route '%s': skipping %s, provider not allowed for tenant '%s'", route.name(), t,
                            tenant.name());
                }
                return allowed;
            }).toList();
            if (targets.isEmpty()) {
                throw refused(403, "provider_not_allowed", "Tenant '" + tenant.name()
                        + "' may use none of the providers of '" + route.name() + "'.", route.name(), "tenant");
            }
        }
        int needed = traits.promptTokens() + traits.maxTokens();
        if (targets.stream().allMatch(t -> t.fits(needed))) {
            return targets;
        }
        targets = targets.stream().filter(t -> {
            boolean fits = t.fits(needed);
            if (!fits) {
                LOGGER.debugf("route '%s': skipping %s, context window %d < ~%d tokens", route.name(), t,
                        t.contextWindow(), needed);
            }
            return fits;
        }).toList();
        if (targets.isEmpty()) {
            throw refused(400, "context_length_exceeded", "The request needs about " + needed
                    + " tokens (prompt + max_tokens), more than the context window of every target of '" + route.name()
                    + "'.", route.name(), "context_window");
        }
        return targets;
    }

    /** The session-affinity key, or null. */
    private static String session(Route route, RequestBody request, RequestHeaders headers) {
        Route.Affinity affinity = route.options().affinity();
        if (affinity == null) {
            return null;
        }
        String key = affinity.header() != null ? headers.get(affinity.header()) : request.user();
        return key == null || key.isBlank() ? null : key;
    }

    private static Refusal refused(int status, String code, String message, String route, String reason) {
        return new Refusal(new Decision.Refused(status, code, message, route, reason));
    }

    /** Unwinds a decision to refuse; never leaves this class. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient Decision.Refused decision;

        Refusal(Decision.Refused decision) {
            super(null, null, false, false);
            this.decision = decision;
        }
    }
}
