package dev.switchboard.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/** How fake providers break a connection the way a crashed or overloaded server does. */
public final class TcpReset {

    private TcpReset() {
    }

    /** Closes the request's connection with a TCP reset (RST: SO_LINGER 0, then close) instead of an orderly FIN. */
    public static void of(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (connection instanceof ConnectionBase base) {
            Channel channel = base.channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            ChannelFuture unused = channel.close();
        } else {
            connection.close();
        }
    }
}
