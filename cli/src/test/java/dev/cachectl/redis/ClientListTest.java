package dev.cachectl.redis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The clients that keep a server busy without commands, as CLIENT LIST (Redis 7.0) shows them. */
class ClientListTest {
    private static final String PROBE = "id=38 addr=127.0.0.1:54812 laddr=127.0.0.1:37895 fd=8 name= age=0 idle=0 flags=N db=0"
            + " sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0"
            + " omem=0 tot-mem=37658 events=r cmd=client|list user=default redir=-1 resp=2\n";

    private static String client(String flags, int sub, int psub, String cmd) {
        return "id=5 addr=127.0.0.1:56086 laddr=127.0.0.1:37895 fd=7 name= age=13 idle=13 flags=" + flags + " db=0 sub=" + sub
                + " psub=" + psub + " ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0"
                + " omem=0 tot-mem=1834 events=r cmd=" + cmd + " user=default redir=-1 resp=2\n";
    }

    @Test
    void probes_and_plain_clients_are_not_busy() {
        assertEquals(0, ClientList.busy(PROBE + client("N", 0, 0, "get"), false));
        assertEquals(0, ClientList.busy("", false));
    }

    @Test
    void blocked_subscribed_in_a_transaction_replicas_and_monitors_are_busy() {
        assertEquals(1, ClientList.busy(PROBE + client("b", 0, 0, "blpop"), false));
        assertEquals(1, ClientList.busy(client("P", 1, 0, "subscribe"), false));
        assertEquals(1, ClientList.busy(client("N", 0, 2, "psubscribe"), false));
        assertEquals(1, ClientList.busy(client("x", 0, 0, "multi"), false));
        assertEquals(1, ClientList.busy(client("O", 0, 0, "monitor"), false));
        assertEquals(1, ClientList.busy(client("S", 0, 0, "replconf"), false));
    }

    @Test
    void a_cluster_s_own_replicas_are_not_clients() {
        assertEquals(0, ClientList.busy(client("S", 0, 0, "replconf"), true));
        assertEquals(1, ClientList.busy(client("S", 0, 0, "replconf") + client("b", 0, 0, "blpop"), true));
    }
}
