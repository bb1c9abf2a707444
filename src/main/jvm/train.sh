#!/bin/sh
# A training run that makes Switchboard's class archive, with the JVM that will run it (an archive only works with
# the exact JVM build that made it). Run from the directory that holds quarkus-run.jar:
#
#   train.sh -XX:ArchiveClassesAtExit=app-cds.jsa   # JDK 17-23: AppCDS; run with -XX:SharedArchiveFile=app-cds.jsa
#   train.sh -XX:AOTCacheOutput=app.aot             # JDK 24+: Leyden AOT cache; run with -XX:AOTCache=app.aot
#
# It starts the jar on the built-in demo policy (mock providers: nothing leaves the machine) with the sidecar's JVM
# settings (JDK_JAVA_OPTIONS when set, else switchboard.jvm beside the jar), sends JSON and streamed chat completions,
# an embedding, an Anthropic message and a Responses call, then stops it with SIGTERM; the JVM writes the archive as
# it exits. JAVA (default: java on the PATH) names the JVM; JAR (default: quarkus-run.jar) the jar, spelled as the
# production command spells it (an archive records the class path); ROUNDS (default 20) how often the requests are
# sent. QUARKUS_HTTP_PORT and QUARKUS_MANAGEMENT_PORT (default 4000 and 9000) move the ports the run listens on.
set -eu
archive_option="$1"
java="${JAVA:-java}"
jar="${JAR:-quarkus-run.jar}"
settings=""
if [ -z "${JDK_JAVA_OPTIONS:-}" ] && [ -f switchboard.jvm ]; then settings="@switchboard.jvm"; fi
# shellcheck disable=SC2086
SWITCHBOARD_POLICY= SWITCHBOARD_SHUTDOWN_QUIET_PERIOD=0s "$java" $settings "$archive_option" -jar "$jar" &
pid=$!
port="${QUARKUS_HTTP_PORT:-4000}"
management="${QUARKUS_MANAGEMENT_PORT:-9000}"
ready=0
for _ in $(seq 1 600); do
    # the training run itself must be up: another process on these ports would answer in its place
    if ! kill -0 "$pid" 2>/dev/null; then echo "the training run exited before it was ready" >&2; exit 1; fi
    if curl -fs -o /dev/null "http://127.0.0.1:$management/q/health/ready"; then ready=1; break; fi
    sleep 0.1
done
if [ "$ready" = 0 ]; then kill "$pid"; echo "Switchboard did not become ready" >&2; exit 1; fi
post() { curl -s -o /dev/null -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$port$1" || true; }
msg='"messages":[{"role":"user","content":"hi"}]'
for _ in $(seq 1 "${ROUNDS:-20}"); do
    post /v1/chat/completions "{\"model\":\"smart\",$msg}"
    post /v1/chat/completions "{\"model\":\"fast\",\"stream\":true,$msg}"
    post /v1/embeddings '{"model":"embed","input":"hi"}'
    post /v1/messages "{\"model\":\"smart\",\"max_tokens\":16,$msg}"
    post /v1/responses '{"model":"smart","input":"hi"}'
done
kill -TERM "$pid"
wait "$pid" || true
