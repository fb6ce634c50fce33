import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;

/** An in-memory MongoDB (mongo-java-server) on 127.0.0.1:PORT until stdin closes or the process is killed. */
public class MongoBenchServer {
    public static void main(String[] args) throws Exception {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until our stdin (a pipe from the script) closes
        }
        server.shutdownNow();
    }
}
