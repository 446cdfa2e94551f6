package dev.gort.runtime;

/**
 * A FIFO of Gs linked through schedlink; the global run queue is two of these (Sched). Not
 * thread-safe: sched lock held. Go: gQueue.
 */
final class GQueue {
    private G head, tail;
    private int size;

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    /** Go: gQueue.pushBack. */
    void pushBack(G gp) {
        gp.schedlink = null;
        if (tail != null) tail.schedlink = gp; else head = gp;
        tail = gp;
        size++;
    }

    /** Go: gQueue.push. */
    void pushFront(G gp) {
        gp.schedlink = head;
        head = gp;
        if (tail == null) tail = gp;
        size++;
    }

    /** Appends a linked batch; returns its length. Go: gQueue.pushBackAll. */
    int pushBackAll(G first) {
        int n = 0;
        G last = first;
        for (G g = first; g != null; g = g.schedlink) {
            n++;
            last = g;
        }
        if (n == 0) return 0;
        if (tail != null) tail.schedlink = first; else head = first;
        tail = last;
        size += n;
        return n;
    }

    /** Go: gQueue.pop. */
    G pop() {
        G gp = head;
        if (gp == null) return null;
        head = gp.schedlink;
        if (head == null) tail = null;
        gp.schedlink = null;
        size--;
        return gp;
    }
}
