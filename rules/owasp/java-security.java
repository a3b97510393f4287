package example;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.Cipher;
import javax.xml.parsers.DocumentBuilderFactory;

public class Security {
    Document parse(InputStream in) throws Exception {
        // ruleid: java-xxe-parser-factory-defaults
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        return dbf.newDocumentBuilder().parse(in);
    }

    Document parseSafely(InputStream in) throws Exception {
        // ok: java-xxe-parser-factory-defaults
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return dbf.newDocumentBuilder().parse(in);
    }

    /**
     * Example only, kept for the docs:
     * ok: java-xxe-parser-factory-defaults
     * DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
     */
    XMLStreamReader stax(InputStream in) throws Exception {
        // ok: java-xxe-parser-factory-defaults
        XMLInputFactory xif = XMLInputFactory.newInstance();
        xif.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        return xif.createXMLStreamReader(in);
    }

    Object deser(InputStream in, String xml) throws Exception {
        // ruleid: java-unsafe-deserialization
        ObjectInputStream ois = new ObjectInputStream(in);
        // ruleid: java-unsafe-deserialization
        mapper.enableDefaultTyping();
        // ok: java-unsafe-deserialization
        // try (ObjectInputStream ois = new ObjectInputStream(fis)) { ... } is what we avoid
        // ok: java-unsafe-deserialization
        ObjectOutputStream oos = new ObjectOutputStream(out);
        // ok: java-unsafe-deserialization
        Order order = mapper.readValue(xml, Order.class);
        return ois.readObject();
    }

    void crypto(String password, byte[] key) throws Exception {
        // ruleid: java-weak-hash-for-password
        byte[] h = MessageDigest.getInstance("MD5").digest(password.getBytes(UTF_8));
        // ruleid: java-weak-hash-for-password
        String stored = DigestUtils.sha1Hex(user.getPassword());
        // ruleid: java-weak-hash-for-password
        PasswordEncoder enc = NoOpPasswordEncoder.getInstance();
        // ok: java-weak-hash-for-password
        MessageDigest md = MessageDigest.getInstance("MD5");
        // ok: java-weak-hash-for-password
        String etag = DigestUtils.md5Hex(body);
        // ok: java-weak-hash-for-password
        String hashed = new BCryptPasswordEncoder().encode(password);
        // ruleid: java-weak-cipher-or-ecb
        Cipher a = Cipher.getInstance("AES");
        // ruleid: java-weak-cipher-or-ecb
        Cipher b = Cipher.getInstance("DESede/CBC/PKCS5Padding");
        // ruleid: java-weak-cipher-or-ecb
        Cipher c = Cipher.getInstance("AES/ECB/PKCS5Padding");
        // ok: java-weak-cipher-or-ecb
        Cipher d = Cipher.getInstance("AES/GCM/NoPadding");
        // ruleid: java-insecure-random-for-secret
        String resetToken = Long.toHexString(new Random().nextLong());
        // ruleid: java-insecure-random-for-secret
        String apiKey = RandomStringUtils.randomAlphanumeric(32);
        // ok: java-insecure-random-for-secret
        String sessionToken = Base64.getUrlEncoder().encodeToString(SecureRandomBytes.of(32));
        // ok: java-insecure-random-for-secret
        int jitter = new Random().nextInt(100);
    }

    static class TrustAll implements X509TrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        // ruleid: java-tls-trust-all
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

    void tls(HttpsURLConnection conn) {
        // ruleid: java-tls-trust-all
        conn.setHostnameVerifier((host, session) -> true);
        // ruleid: java-tls-trust-all
        CloseableHttpClient client = HttpClients.custom().setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE).build();
        // ok: java-tls-trust-all
        conn.setSSLSocketFactory(sslContextFromPrivateCa().getSocketFactory());
    }

    void jwt(String token, String secret) {
        // ruleid: java-jwt-unsigned-accepted
        DecodedJWT unverified = JWT.decode(token);
        // ruleid: java-jwt-unsigned-accepted
        Claims claims = Jwts.parser().setSigningKey(key).parseClaimsJwt(token).getBody();
        // ok: java-jwt-unsigned-accepted
        DecodedJWT verified = JWT.require(Algorithm.HMAC256(secret)).build().verify(token);
        // ok: java-jwt-unsigned-accepted
        Claims signed = Jwts.parser().verifyWith(key).build().parseSignedClaims(token).getPayload();
    }

    void cookies(HttpServletResponse response, String sid) {
        Cookie cookie = new Cookie("SESSION", sid);
        // ruleid: java-cookie-insecure-flags
        cookie.setHttpOnly(false);
        // ok: java-cookie-insecure-flags
        cookie.setSecure(true);
        response.addCookie(cookie);
    }

    void cors(CorsRegistry registry, HttpServletRequest request, HttpServletResponse response) {
        // ruleid: java-cors-any-origin-with-credentials
        registry.addMapping("/**").allowedOriginPatterns("*").allowCredentials(true);
        // ruleid: java-cors-any-origin-with-credentials
        response.setHeader("Access-Control-Allow-Origin", request.getHeader("Origin"));
        // ok: java-cors-any-origin-with-credentials
        registry.addMapping("/**").allowedOrigins("https://app.example.com").allowCredentials(true);
    }

    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        // ruleid: java-spring-csrf-disabled
        http.csrf(AbstractHttpConfigurer::disable);
        // ruleid: java-spring-csrf-disabled
        http.csrf().disable();
        // ok: java-spring-csrf-disabled
        http.csrf(c -> c.ignoringRequestMatchers("/api/webhooks/**"));
        return http.build();
    }
}
