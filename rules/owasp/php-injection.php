<?php

function sql($pdo, $mysqli, $id, $name)
{
    // ruleid: php-sql-interpolated-query
    $res = mysqli_query($mysqli, "SELECT * FROM users WHERE id = " . $_GET['id']);
    // ruleid: php-sql-interpolated-query
    $rows = $pdo->query("SELECT * FROM users WHERE name = '$name'");
    // ruleid: php-sql-interpolated-query
    $users = DB::select("select * from users where email = '" . $email . "'");
    // ruleid: php-sql-interpolated-query
    $q = User::whereRaw("name = '$name'")->get();
    // ok: php-sql-interpolated-query
    $stmt = $pdo->prepare("SELECT * FROM users WHERE id = ?");
    // ok: php-sql-interpolated-query
    $users = DB::select("select * from users where email = ?", [$email]);
    // ok: php-sql-interpolated-query
    $q = User::whereRaw("name = ?", [$name])->get();
    // ok: php-sql-interpolated-query
    $updateStmt = $this->pdo->prepare(
        "UPDATE $this->table SET $this->lifetimeCol = :expiry WHERE $this->idCol = :id"
    );
    // ruleid: php-sql-interpolated-query
    $stmt = $pdo->prepare("SELECT * FROM users WHERE name = '$name'");
}

function shell($file)
{
    // ruleid: php-command-injection
    system("convert " . $_GET['file'] . " out.png");
    // ruleid: php-command-injection
    $out = shell_exec("git log $ref");
    // ruleid: php-command-injection
    $log = `tail -n 50 $logfile`;
    // ok: php-command-injection
    exec("convert " . escapeshellarg($file) . " out.png");
    // ok: php-command-injection
    $pdo->exec("DELETE FROM cache");
    // ok: php-command-injection
    $ch = curl_exec($handle);
}

function dynamic($code)
{
    // ruleid: php-eval-dynamic-code
    eval($code);
    // ruleid: php-eval-dynamic-code
    $f = create_function('$a', $body);
    // ruleid: php-eval-dynamic-code
    $out = preg_replace('/(.*)/e', 'strtoupper("\\1")', $input);
    // ok: php-eval-dynamic-code
    $out = preg_replace_callback('/(.*)/', fn ($m) => strtoupper($m[1]), $input);
    // ok: php-eval-dynamic-code
    // never eval($code) from requests
    // ok: php-eval-dynamic-code
    assert($count > 0);
}

function output()
{
    // ruleid: php-echo-request-data-xss
    echo "Hello " . $_GET['name'];
    // ruleid: php-echo-request-data-xss
    echo $_SERVER['PHP_SELF'];
    // ok: php-echo-request-data-xss
    echo "Hello " . htmlspecialchars($_GET['name'], ENT_QUOTES, 'UTF-8');
    // ok: php-echo-request-data-xss
    echo (int) $_GET['page'];
    // ruleid: php-blade-unescaped-output
    $view = '<div>{!! $post->body !!}</div>';
    // ok: php-blade-unescaped-output
    $view2 = '<div>{{ $post->body }}</div>';
    // ok: php-blade-unescaped-output
    $view3 = '{!! $users->links() !!}';
}

function files()
{
    // ruleid: php-file-inclusion-user-input
    include $_GET['page'] . '.php';
    // ok: php-file-inclusion-user-input
    include __DIR__ . '/pages/home.php';
    // ruleid: php-path-traversal-user-input
    $data = file_get_contents('/var/uploads/' . $_GET['file']);
    // ruleid: php-path-traversal-user-input
    unlink($_POST['path']);
    // ok: php-path-traversal-user-input
    $data = file_get_contents('/var/uploads/' . basename($_GET['file']));
    // ruleid: php-ssrf-user-url
    $ch = curl_init($_GET['url']);
    // ruleid: php-ssrf-user-url
    $resp = $client->get($request->input('webhook'));
    // ok: php-ssrf-user-url
    $ch = curl_init('https://api.example.com/status');
}

function directory($ds, $user, $xpath)
{
    // ruleid: php-ldap-xpath-injection
    $sr = ldap_search($ds, "ou=people,dc=example,dc=com", "(uid=" . $user . ")");
    // ruleid: php-ldap-xpath-injection
    $nodes = $xpath->query("//user[@name='$user']");
    // ok: php-ldap-xpath-injection
    $sr = ldap_search($ds, "ou=people,dc=example,dc=com", "(uid=" . ldap_escape($user, "", LDAP_ESCAPE_FILTER) . ")");
    // ok: php-ldap-xpath-injection
    $nodes = $xpath->query("//user[@active='1']");
    // ruleid: php-template-injection
    $tpl = $twig->createTemplate("Hello " . $_GET['name']);
    // ok: php-template-injection
    $html = $twig->render('hello.twig', ['name' => $_GET['name']]);
    // ruleid: php-mongo-where-injection
    $cursor = $collection->find(['$where' => "this.owner == '$owner'"]);
    // ok: php-mongo-where-injection
    $cursor = $collection->find(['owner' => (string) $owner]);
}
