package dev.gort.net;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts {@code /proc/self/fd} before and after a test class (the issue asks it of every one):
 * the JDK's own descriptors are opened first, then a class that leaves more than a few more
 * open fails. {@code @ExtendWith(FdLeakCheck.class)}.
 */
public final class FdLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);
    /** Descriptors a class may leave: a runtime's poller (selector and its wake pipe) not yet released. */
    static final int SLACK = 4;

    @Override
    public void beforeAll(ExtensionContext ctx) throws Exception {
        if (FdCount.now() < 0) return;
        FdCount.warmUpJdk();
        ctx.getStore(NS).put("before", FdCount.now());
    }

    @Override
    public void afterAll(ExtensionContext ctx) throws Exception {
        Integer before = ctx.getStore(NS).get("before", Integer.class);
        if (before == null) return;
        int after = FdCount.settle(before + SLACK);
        assertTrue(after <= before + SLACK, ctx.getDisplayName() + " leaked descriptors: " + before + " before, " + after
                + " after: " + FdCount.describe());
    }
}
