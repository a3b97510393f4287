using System;
using System.Security.Cryptography;
using System.Xml;

public class SecuritySamples
{
    public object Deserialize(Stream s, string json)
    {
        // ruleid: csharp-insecure-deserialization
        var formatter = new BinaryFormatter();
        // ruleid: csharp-insecure-deserialization
        var settings = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.All };
        // ok: csharp-insecure-deserialization
        var settings2 = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.None };
        // ok: csharp-insecure-deserialization
        var order = JsonSerializer.Deserialize<Order>(json);
        return formatter.Deserialize(s);
    }

    public XmlReader Xml(Stream s)
    {
        // ruleid: csharp-xml-dtd-processing-enabled
        var bad = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse };
        // ok: csharp-xml-dtd-processing-enabled
        var good = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        return XmlReader.Create(s, good);
    }

    public HttpClient Client()
    {
        var handler = new HttpClientHandler();
        // ruleid: csharp-tls-validation-disabled
        handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => true;
        // ruleid: csharp-tls-validation-disabled
        handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        // ok: csharp-tls-validation-disabled
        handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => errors == SslPolicyErrors.None;
        return new HttpClient(handler);
    }

    public void Crypto(string password, byte[] body)
    {
        // ruleid: csharp-weak-hash-for-password
        var h1 = MD5.HashData(Encoding.UTF8.GetBytes(password));
        using var md5 = MD5.Create();
        // ruleid: csharp-weak-hash-for-password
        var h2 = md5.ComputeHash(Encoding.UTF8.GetBytes(user.Password));
        // ok: csharp-weak-hash-for-password
        var etag = md5.ComputeHash(body);
        // ok: csharp-weak-hash-for-password
        var derived = Rfc2898DeriveBytes.Pbkdf2(password, salt, 600000, HashAlgorithmName.SHA256, 32);
        // ruleid: csharp-weak-cipher-or-ecb
        using var des = TripleDES.Create();
        // ruleid: csharp-weak-cipher-or-ecb
        aes.Mode = CipherMode.ECB;
        // ok: csharp-weak-cipher-or-ecb
        using var gcm = new AesGcm(key, 16);
        // ruleid: csharp-insecure-random-for-secret
        var resetToken = new Random().Next().ToString("x");
        // ruleid: csharp-insecure-random-for-secret
        var apiKey = Random.Shared.NextInt64().ToString();
        // ok: csharp-insecure-random-for-secret
        var sessionToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        // ok: csharp-insecure-random-for-secret
        var jitter = Random.Shared.Next(100);
    }

    public void Cookies(HttpResponse response, string sid)
    {
        // ruleid: csharp-cookie-insecure-flags
        response.Cookies.Append("sid", sid, new CookieOptions { HttpOnly = false, Secure = true });
        // ok: csharp-cookie-insecure-flags
        response.Cookies.Append("sid", sid, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax });
        // ruleid: csharp-cookie-insecure-flags
        options.Cookie.SecurePolicy = CookieSecurePolicy.None;
        // ok: csharp-cookie-insecure-flags
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
    }

    public void Configure(IServiceCollection services, WebApplication app)
    {
        // ruleid: csharp-cors-any-origin-with-credentials
        services.AddCors(o => o.AddPolicy("all", p => p.SetIsOriginAllowed(_ => true).AllowCredentials()));
        // ok: csharp-cors-any-origin-with-credentials
        services.AddCors(o => o.AddPolicy("app", p => p.WithOrigins("https://app.example.com").AllowCredentials()));
        services.AddAuthentication().AddJwtBearer(o =>
        {
            o.TokenValidationParameters = new TokenValidationParameters
            {
                // ruleid: csharp-jwt-signature-validation-disabled
                RequireSignedTokens = false,
                // ruleid: csharp-jwt-signature-validation-disabled
                SignatureValidator = (token, parameters) => new JwtSecurityToken(token),
                // ok: csharp-jwt-signature-validation-disabled
                ValidateIssuerSigningKey = true,
                // ok: csharp-jwt-signature-validation-disabled
                IssuerSigningKey = signingKey,
            };
        });
        // ruleid: csharp-developer-exception-page-unconditional
        app.UseDeveloperExceptionPage();
        if (app.Environment.IsDevelopment())
        {
            // ok: csharp-developer-exception-page-unconditional
            app.UseDeveloperExceptionPage();
        }
    }
}
