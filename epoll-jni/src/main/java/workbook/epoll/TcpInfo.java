package workbook.epoll;

/**
 * Figures from the kernel's {@code struct tcp_info} for one connection, as
 * {@code getsockopt(fd, IPPROTO_TCP, TCP_INFO)} reports them.
 *
 * @param state          TCP state (1 = ESTABLISHED, see linux/tcp.h)
 * @param rttMicros      smoothed round-trip time
 * @param rttVarMicros   round-trip time variance
 * @param sendMss        maximum segment size for sending
 * @param congestionWindow send congestion window, in segments
 * @param totalRetransmits segments retransmitted over the connection's life
 * @param segmentsOut    segments sent, including pure ACKs
 * @param dataSegmentsOut segments sent that carried data
 * @param segmentsIn     segments received
 * @param dataSegmentsIn segments received that carried data
 */
public record TcpInfo(long state, long rttMicros, long rttVarMicros, long sendMss, long congestionWindow,
                      long totalRetransmits, long segmentsOut, long dataSegmentsOut,
                      long segmentsIn, long dataSegmentsIn) {
    static final int FIGURES = 10;

    static TcpInfo of(long[] f) {
        return new TcpInfo(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]);
    }
}
