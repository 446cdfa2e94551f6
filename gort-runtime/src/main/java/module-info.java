/**
 * gort: Go's G-M-P scheduler and sysmon on JDK 25. Needs
 * {@code --add-opens java.base/java.lang=dev.gort} (or {@code =ALL-UNNAMED} on the class path).
 */
module dev.gort {
    requires java.management;
    exports dev.gort;
    exports dev.gort.net;
    exports dev.gort.mem;
}
