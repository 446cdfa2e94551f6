package dev.gort.runtime.mem;

/**
 * A doubly linked list of spans, with O(1) insert and remove. Go: mheap.go mSpanList. Guarded
 * by whoever owns the list (the heap lock or a central's lock).
 */
final class MSpanList {
    MSpan first, last;
    int count;

    boolean isEmpty() {
        return first == null;
    }

    /** Go: mSpanList.insert (at the front). */
    void insert(MSpan s) {
        assert s.list == null : s;
        s.next = first;
        s.prev = null;
        if (first != null) first.prev = s;
        else last = s;
        first = s;
        s.list = this;
        count++;
    }

    /** Go: mSpanList.insertBack. */
    void insertBack(MSpan s) {
        assert s.list == null : s;
        s.prev = last;
        s.next = null;
        if (last != null) last.next = s;
        else first = s;
        last = s;
        s.list = this;
        count++;
    }

    /** Go: mSpanList.remove. */
    void remove(MSpan s) {
        assert s.list == this : s;
        if (s.prev != null) s.prev.next = s.next;
        else first = s.next;
        if (s.next != null) s.next.prev = s.prev;
        else last = s.prev;
        s.next = s.prev = null;
        s.list = null;
        count--;
    }
}
