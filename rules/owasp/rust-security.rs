use std::time::Duration;

fn client() -> reqwest::Result<reqwest::Client> {
    // ruleid: rust-tls-verification-disabled
    let insecure = reqwest::Client::builder().danger_accept_invalid_certs(true).build()?;
    // ruleid: rust-tls-verification-disabled
    builder.set_verify(SslVerifyMode::NONE);
    // ok: rust-tls-verification-disabled
    let pinned = reqwest::Client::builder().add_root_certificate(ca).timeout(Duration::from_secs(5)).build()?;
    // ok: rust-tls-verification-disabled
    /// let c = Client::builder().danger_accept_invalid_certs(true); // never in production
    // ok: rust-tls-verification-disabled
    let strict = reqwest::Client::builder().danger_accept_invalid_certs(false).build()?;
    Ok(pinned)
}

fn hashing(password: &str, body: &[u8]) {
    // ruleid: rust-weak-hash-for-password
    let digest = md5::compute(password.as_bytes());
    // ok: rust-weak-hash-for-password
    let etag = md5::compute(body);
    // ok: rust-weak-hash-for-password
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt);
}

fn tokens() {
    // ruleid: rust-insecure-rng-for-secret
    let reset_token: u64 = fastrand::u64(..);
    // ruleid: rust-insecure-rng-for-secret
    let api_key = StdRng::seed_from_u64(42).next_u64();
    // ok: rust-insecure-rng-for-secret
    let session_id: [u8; 32] = rand::rngs::OsRng.gen();
    // ok: rust-insecure-rng-for-secret
    let jitter = fastrand::u64(0..100);
}

fn ciphers(key: &[u8; 24]) {
    // ruleid: rust-weak-cipher-des-rc4-ecb
    let c = TdesEde3::new_from_slice(key);
    // ruleid: rust-weak-cipher-des-rc4-ecb
    let e = ecb::Encryptor::<aes::Aes128>::new(key.into());
    // ok: rust-weak-cipher-des-rc4-ecb
    let aead = Aes256Gcm::new(key.into());
}

fn jwt(token: &str, key: &DecodingKey) {
    let mut validation = Validation::new(Algorithm::HS256);
    // ruleid: rust-jwt-validation-disabled
    validation.insecure_disable_signature_validation();
    // ruleid: rust-jwt-validation-disabled
    validation.validate_exp = false;
    // ok: rust-jwt-validation-disabled
    validation.leeway = 30;
    let data = decode::<Claims>(token, key, &validation);
}

fn cookies(sid: String) {
    // ruleid: rust-cookie-insecure-flags
    let c = Cookie::build(("session", sid.clone())).secure(false).http_only(true);
    // ok: rust-cookie-insecure-flags
    let d = Cookie::build(("session", sid)).secure(true).http_only(true).same_site(SameSite::Lax);
}

fn cors() {
    // ruleid: rust-cors-permissive
    let layer = CorsLayer::very_permissive();
    // ruleid: rust-cors-permissive
    let cors = Cors::default().allow_any_origin()
        .max_age(3600)
        .supports_credentials();
    // ok: rust-cors-permissive
    let strict = CorsLayer::new().allow_origin("https://app.example.com".parse::<HeaderValue>().unwrap());
}

fn templates(tera: &mut Tera, ctx: &Context) {
    // ruleid: rust-template-autoescape-disabled
    tera.autoescape_on(vec![]);
    // ok: rust-template-autoescape-disabled
    tera.autoescape_on(vec![".html", ".htm"]);
    // ruleid: rust-template-autoescape-disabled
    let out = Tera::one_off(TEMPLATE, ctx, false);
    // ok: rust-template-autoescape-disabled
    let out2 = Tera::one_off(TEMPLATE, ctx, true);
}
