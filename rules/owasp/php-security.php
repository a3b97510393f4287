<?php

function deser($data)
{
    // ruleid: php-unserialize-untrusted
    $prefs = unserialize($_COOKIE['prefs']);
    // ok: php-unserialize-untrusted
    $prefs = unserialize($data, ['allowed_classes' => false]);
    // ok: php-unserialize-untrusted
    $prefs = json_decode($_COOKIE['prefs'], true);
}

class Profile implements \Serializable
{
    // ok: php-unserialize-untrusted
    public function unserialize($data): void
    {
    }
}

function xml($xml)
{
    // ruleid: php-xml-external-entities-enabled
    $doc = simplexml_load_string($xml, 'SimpleXMLElement', LIBXML_NOENT);
    // ruleid: php-xml-external-entities-enabled
    libxml_disable_entity_loader(false);
    // ok: php-xml-external-entities-enabled
    $doc = simplexml_load_string($xml, 'SimpleXMLElement', LIBXML_NONET);
}

function hashing($password, $body)
{
    // ruleid: php-weak-hash-for-password
    $hash = md5($password);
    // ruleid: php-weak-hash-for-password
    $hash = hash('sha1', $userPassword . $salt);
    // ok: php-weak-hash-for-password
    $etag = md5($body);
    // ok: php-weak-hash-for-password
    $hash = password_hash($password, PASSWORD_DEFAULT);
}

function tokens()
{
    // ruleid: php-insecure-random-for-secret
    $resetToken = md5(uniqid(mt_rand(), true));
    // ruleid: php-insecure-random-for-secret
    $apiKey = substr(str_shuffle('abcdefghijklmnopqrstuvwxyz0123456789'), 0, 32);
    // ok: php-insecure-random-for-secret
    $resetToken = bin2hex(random_bytes(32));
    // ok: php-insecure-random-for-secret
    $delay = mt_rand(100, 500);
}

function ciphers($data, $key, $iv)
{
    // ruleid: php-weak-cipher
    $enc = openssl_encrypt($data, 'des-ede3-cbc', $key, 0, $iv);
    // ruleid: php-weak-cipher
    $enc = openssl_encrypt($data, 'aes-128-ecb', $key);
    // ok: php-weak-cipher
    $enc = openssl_encrypt($data, 'aes-256-gcm', $key, 0, $iv, $tag);
}

function http($ch)
{
    // ruleid: php-tls-verification-disabled
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
    // ruleid: php-tls-verification-disabled
    $client = new GuzzleHttp\Client(['verify' => false]);
    // ok: php-tls-verification-disabled
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, true);
    // ok: php-tls-verification-disabled
    $client = new GuzzleHttp\Client(['verify' => '/etc/ssl/internal-ca.pem']);
}

function cookies($sid)
{
    // ruleid: php-cookie-insecure-flags
    setcookie('sid', $sid, ['expires' => 0, 'secure' => false, 'httponly' => true]);
    // ruleid: php-cookie-insecure-flags
    ini_set('session.cookie_httponly', '0');
    // ok: php-cookie-insecure-flags
    setcookie('sid', $sid, ['expires' => 0, 'secure' => true, 'httponly' => true, 'samesite' => 'Lax']);
}

function cors()
{
    // ruleid: php-cors-reflects-origin
    header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
    // ok: php-cors-reflects-origin
    header('Access-Control-Allow-Origin: https://app.example.com');
}

function redirects($request)
{
    // ruleid: php-open-redirect
    header('Location: ' . $_GET['next']);
    // ruleid: php-open-redirect
    return redirect()->to($request->input('return_to'));
    // ok: php-open-redirect
    header('Location: /login');
    // ok: php-open-redirect
    return redirect()->route('home');
}

class User extends Model
{
    // ruleid: php-mass-assignment
    protected $guarded = [];
    // ok: php-mass-assignment
    protected $fillable = ['name', 'email'];

    public function store($request)
    {
        // ruleid: php-mass-assignment
        return User::create($request->all());
        // ok: php-mass-assignment
        return User::create($request->validated());
    }
}

function config()
{
    // ruleid: php-display-errors-enabled
    ini_set('display_errors', '1');
    // ok: php-display-errors-enabled
    ini_set('display_errors', '0');
    return [
        // ruleid: php-display-errors-enabled
        'debug' => true,
        // ok: php-display-errors-enabled
        'debug' => (bool) env('APP_DEBUG', false),
    ];
}
