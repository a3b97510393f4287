class Crypto {
    // ruleid: jvm-dotnet-security-warning-suppressed
    @SuppressWarnings("find-sec-bugs:WEAK_MESSAGE_DIGEST_MD5")
    byte[] md5(byte[] in) { return null; }

    // ruleid: jvm-dotnet-security-warning-suppressed
    @SuppressFBWarnings(value = "PREDICTABLE_RANDOM", justification = "demo")
    int roll() { return 4; }

    // ok: jvm-dotnet-security-warning-suppressed
    @SuppressWarnings("unchecked")
    java.util.List<String> cast(Object o) { return (java.util.List<String>) o; }
}
