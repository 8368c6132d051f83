package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/**
 * How the connection reads etcd's own "request timed out" (found by {@code HardeningV3Test}'s 10 ms startup timeout,
 * which once failed with "failed write node node-a after 2 ms: UNAVAILABLE: etcdserver: request timed out" instead
 * of naming the timeout variable: etcd had given up at the call's deadline a moment before the client did).
 */
class EtcdV3ConnectionUnitTest {

    private static StatusRuntimeException unavailable(String description) {
        return Status.UNAVAILABLE.withDescription(description).asRuntimeException();
    }

    @Test
    void etcdTimingOutOnceTheDeadlineHasPassedIsTheDeadline() {
        assertTrue(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable("etcdserver: request timed out"), 0));
        assertTrue(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable("etcdserver: request timed out"), -5));
        assertTrue(EtcdV3Connection.deadlineRanOutAtEtcd(
                unavailable("etcdserver: request timed out, possibly due to previous leader failure"), -1));
    }

    /**
     * etcd 3.4 answers an {@code Authenticate} whose deadline passed while it waited (a member without a leader) with
     * UNKNOWN "context deadline exceeded": that is the deadline, so a member not connected before hands over to the
     * next one as for the client's own deadline (seen with a partitioned first member before calls asked for a
     * leader: the startup failed with "failed read the cluster after 3339 ms: UNKNOWN: context deadline exceeded").
     */
    @Test
    void etcdsContextDeadlineExceededIsTheDeadline() {
        assertEquals(Status.Code.DEADLINE_EXCEEDED, EtcdV3Connection.code(
                Status.UNKNOWN.withDescription("context deadline exceeded").asRuntimeException()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED,
                EtcdV3Connection.code(Status.DEADLINE_EXCEEDED.asRuntimeException()));
        assertEquals(Status.Code.UNKNOWN, EtcdV3Connection.code(
                Status.UNKNOWN.withDescription("something else").asRuntimeException()));
        assertEquals(Status.Code.UNKNOWN, EtcdV3Connection.code(Status.UNKNOWN.asRuntimeException()));
        assertEquals(Status.Code.UNAVAILABLE, EtcdV3Connection.code(
                Status.UNAVAILABLE.withDescription("context deadline exceeded").asRuntimeException()));
    }

    /** What a call does after a failed attempt, for each kind of failure (three members unless said). */
    @Test
    void whatACallDoesAfterAFailedAttempt() {
        long left = 1_000_000_000;
        StatusRuntimeException expired = Status.UNAUTHENTICATED.withDescription("etcdserver: invalid auth token")
                .asRuntimeException();
        assertEquals(EtcdV3Connection.Next.AUTHENTICATE_AGAIN, EtcdV3Connection.next(expired, left, true, false, 0, 3));
        assertEquals(EtcdV3Connection.Next.FAIL, EtcdV3Connection.next(expired, left, true, true, 0, 3),
                "authenticated again once already");
        assertEquals(EtcdV3Connection.Next.FAIL, EtcdV3Connection.next(Status.UNAUTHENTICATED
                .withDescription("etcdserver: authentication failed, invalid user ID or password")
                .asRuntimeException(), left, true, false, 0, 3), "a wrong password is never retried");

        StatusRuntimeException silent = Status.DEADLINE_EXCEEDED.asRuntimeException();
        assertEquals(EtcdV3Connection.Next.NEXT_MEMBER_AFTER_ITS_SHARE,
                EtcdV3Connection.next(silent, left, false, false, 0, 3), "not connected before: its share only");
        assertEquals(EtcdV3Connection.Next.NO_ANSWER, EtcdV3Connection.next(silent, left, true, false, 0, 3),
                "connected: it had the whole time");
        assertEquals(EtcdV3Connection.Next.NO_ANSWER, EtcdV3Connection.next(silent, left, false, false, 2, 3),
                "the last member");
        assertEquals(EtcdV3Connection.Next.NO_ANSWER, EtcdV3Connection.next(silent, 0, false, false, 0, 3));
        assertEquals(EtcdV3Connection.Next.NO_ANSWER, EtcdV3Connection.next(silent, left, false, false, 0, 1),
                "one member");

        StatusRuntimeException noLeader = unavailable("etcdserver: no leader");
        assertEquals(EtcdV3Connection.Next.NEXT_MEMBER_AFTER_A_PAUSE,
                EtcdV3Connection.next(noLeader, left, true, false, 0, 3));
        assertEquals(EtcdV3Connection.Next.NEXT_MEMBER_AFTER_A_PAUSE,
                EtcdV3Connection.next(noLeader, left, true, false, 2, 1), "busy: waited for, even on one member");
        assertEquals(EtcdV3Connection.Next.FAIL, EtcdV3Connection.next(noLeader, 0, true, false, 0, 3));

        StatusRuntimeException refused = unavailable("io exception");
        assertEquals(EtcdV3Connection.Next.NEXT_MEMBER_UNREACHABLE,
                EtcdV3Connection.next(refused, left, false, false, 1, 3));
        assertEquals(EtcdV3Connection.Next.FAIL, EtcdV3Connection.next(refused, left, false, false, 2, 3),
                "none left to try: fail at once, not at the deadline");

        assertEquals(EtcdV3Connection.Next.NO_ANSWER,
                EtcdV3Connection.next(unavailable("etcdserver: request timed out"), 0, true, false, 0, 3));
        assertEquals(EtcdV3Connection.Next.FAIL, EtcdV3Connection.next(Status.PERMISSION_DENIED
                .withDescription("etcdserver: permission denied").asRuntimeException(), left, true, false, 0, 3));
    }

    @Test
    void etcdTimingOutWithTimeLeftOrAnythingElseIsNot() {
        // Time left: etcd's own timeout (a leader lost), worth waiting for or trying another member.
        assertFalse(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable("etcdserver: request timed out"), 1));
        assertFalse(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable("etcdserver: no leader"), 0));
        assertFalse(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable("etcdserver: leader changed"), 0));
        assertFalse(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable(null), 0));
        assertFalse(EtcdV3Connection.deadlineRanOutAtEtcd(unavailable("io exception"), 0));
        assertFalse(EtcdV3Connection.deadlineRanOutAtEtcd(
                Status.UNKNOWN.withDescription("etcdserver: request timed out").asRuntimeException(), 0));
    }
}
