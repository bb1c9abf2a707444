package dev.switchboard.policy;

import java.util.List;

import dev.switchboard.model.RequestTraits;
import dev.switchboard.model.Route;
import dev.switchboard.model.Target;
import dev.switchboard.model.Tenant;

/** What {@link Admission} decided for one request: data, never an HTTP response. */
public sealed interface Decision {

    /**
     * The request may be routed.
     *
     * @param route the route it uses (a policy route, or the one-target route of a {@code provider/model} pin)
     * @param tenant the caller's tenant, or null when the policy defines none
     * @param candidates the route's targets this request may use, in policy order, never empty
     * @param traits what the strategies know about the request
     * @param session the session-affinity key, or null
     * @param pinned whether the caller chose the provider and model ({@code provider/model})
     */
    record Admitted(Route route, Tenant tenant, List<Target> candidates, RequestTraits traits, String session,
            boolean pinned) implements Decision {

        public Admitted {
            candidates = List.copyOf(candidates);
        }
    }

    /**
     * The request is refused before any attempt.
     *
     * @param status the HTTP status it deserves (400, 403, 404)
     * @param code the OpenAI-style error code ({@code tenant_not_allowed}, {@code model_not_found}, ...)
     * @param message what the caller is told; names the route or tenant, never a secret
     * @param route the route it was refused on, or null when it was refused before a route was found
     * @param reason why no target could be planned ({@code tenant}, {@code context_window}), or null when the
     *        refusal was not the planner's
     */
    record Refused(int status, String code, String message, String route, String reason) implements Decision {
    }
}
