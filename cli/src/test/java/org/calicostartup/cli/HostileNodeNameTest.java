package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.EtcdExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names that try to leave their subtree or break keys: refused, and nothing is written anywhere, on either API. */
class HostileNodeNameTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "%2F", "a%2Fb", "nöde", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "node\nb",
        "../../calico/v1/Ready", "node\u0000a", ".."})
    void isRefusedAndNothingIsWritten(String name) throws Exception {
        EtcdCluster etcd = ETCD.cluster();
        for (String type : new String[] {"etcdv3", "etcdv2"}) {
            Map<String, String> env = new HashMap<>(etcd.environment());
            env.put("DATASTORE_TYPE", type);
            env.put("NODENAME", name);
            env.put("HOSTNAME", "fallback-must-not-be-used");
            env.put("IP", "10.0.0.11/24");
            env.put("CALICO_NODENAME_FILE", tmp.resolve("nodename").toString());
            env.put("CALICO_STARTUP_ENV_FILE", tmp.resolve("startup.env").toString());
            CliFixture.Result result = CliFixture.inProcess(env, "run");
            assertEquals(ExitCodes.CONFIGURATION, result.code(), type + " " + result.out() + result.err());
            assertTrue(result.err().contains("Invalid node name"), result.err());
        }
        assertTrue(v3Keys(etcd).isEmpty(), "no v3 key written");
        assertTrue(v2Keys(etcd).contains("\"errorCode\":100"), "no v2 key written: " + v2Keys(etcd));
    }

    /** Upper case is refused on etcd v3 (RFC 1123) and is a valid Calico 2.6 name (see ReleaseTableV2Test). */
    @org.junit.jupiter.api.Test
    void upperCaseIsRefusedOnEtcdV3() throws Exception {
        EtcdCluster etcd = ETCD.cluster();
        Map<String, String> env = new HashMap<>(etcd.environment());
        env.put("DATASTORE_TYPE", "etcdv3");
        env.put("NODENAME", "Node-A");
        env.put("IP", "10.0.0.11/24");
        env.put("CALICO_NODENAME_FILE", tmp.resolve("nodename").toString());
        CliFixture.Result result = CliFixture.inProcess(env, "run");
        assertEquals(ExitCodes.CONFIGURATION, result.code(), result.out() + result.err());
        assertTrue(result.err().contains("Invalid node name"), result.err());
        assertTrue(v3Keys(etcd).isEmpty(), "no v3 key written");
    }

    private static String v2Keys(EtcdCluster etcd) throws Exception {
        return etcd.httpClient().send(HttpRequest.newBuilder(URI.create(etcd.member(0).clientUri()
                + "/v2/keys/calico?recursive=true")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String v3Keys(EtcdCluster etcd) throws Exception {
        // Range over every key ("\0" to "\0" is the whole keyspace), keys only.
        String body = "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"keys_only\":true}";
        String answer = etcd.httpClient().send(HttpRequest.newBuilder(URI.create(etcd.member(0).clientUri()
                + "/v3/kv/range")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return answer.contains("\"kvs\"") ? answer : "";
    }
}
