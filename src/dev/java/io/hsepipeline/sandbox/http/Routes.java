package io.hsepipeline.sandbox.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Method and path template ({name} segments) to handler, matched in the order they were added. */
public final class Routes {

    private record Route(String method, Pattern pattern, List<String> names, RouteHandler handler) {
    }

    /** A matched route: the handler and the request carrying its path parameters. */
    public record Match(RouteHandler handler, ApiRequest request) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z_]+)}");

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String template, RouteHandler handler) {
        return add("GET", template, handler);
    }

    public Routes post(String template, RouteHandler handler) {
        return add("POST", template, handler);
    }

    public Routes patch(String template, RouteHandler handler) {
        return add("PATCH", template, handler);
    }

    public Routes put(String template, RouteHandler handler) {
        return add("PUT", template, handler);
    }

    public Routes add(String method, String template, RouteHandler handler) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(method, Pattern.compile(regex.toString()), names, handler));
        return this;
    }

    /** Whether some route, of any method, has this path. */
    public boolean servesPath(String path) {
        return routes.stream().anyMatch(route -> route.pattern.matcher(path).matches());
    }

    public Optional<Match> match(ApiRequest request) {
        for (Route route : routes) {
            if (!route.method.equals(request.method())) {
                continue;
            }
            Matcher m = route.pattern.matcher(request.path());
            if (m.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < route.names.size(); i++) {
                    params.put(route.names.get(i), m.group(i + 1));
                }
                return Optional.of(new Match(route.handler, request.withPathParams(params)));
            }
        }
        return Optional.empty();
    }
}
