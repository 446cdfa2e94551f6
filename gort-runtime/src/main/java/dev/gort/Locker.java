package dev.gort;

/** Go: sync.Locker. */
public interface Locker {
    void lock();

    void unlock();
}
