package example

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/tls"
	"math/rand"
	"net/http"

	"github.com/gin-gonic/gin"
	// ruleid: go-pprof-exposed
	_ "net/http/pprof"
)

// ok: go-pprof-exposed
// import "net/http/pprof" only in cmd/debug-server

func tlsConfig() *tls.Config {
	// ruleid: go-tls-insecure-skip-verify
	insecure := &tls.Config{InsecureSkipVerify: true}
	// ok: go-tls-insecure-skip-verify
	secure := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
	_ = insecure
	return secure
}

func hashes(password string, body []byte) {
	// ruleid: go-weak-hash-for-password
	h := md5.Sum([]byte(password))
	// ok: go-weak-hash-for-password
	etag := md5.Sum(body)
	// ok: go-weak-hash-for-password
	hashed, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	sum := sha256.Sum256(body)
	_, _, _, _ = h, etag, hashed, sum
}

func tokens() {
	// ruleid: go-math-rand-for-secret
	resetToken := fmt.Sprintf("%d", rand.Int63())
	// ruleid: go-math-rand-for-secret
	otp := rand.Intn(1000000)
	// ok: go-math-rand-for-secret
	tokenBytes := make([]byte, 32)
	// ok: go-math-rand-for-secret
	backoff := time.Duration(rand.Intn(100)) * time.Millisecond
	_, _, _, _ = resetToken, otp, tokenBytes, backoff
}

func ciphers(key []byte) {
	// ruleid: go-weak-cipher-des-rc4
	block, _ := des.NewTripleDESCipher(key)
	// ok: go-weak-cipher-des-rc4
	aesBlock, _ := aes.NewCipher(key)
	_, _ = block, aesBlock
}

func jwtParse(tokenString string) {
	// ruleid: go-jwt-unverified-or-none
	tok, _, _ := jwt.NewParser().ParseUnverified(tokenString, jwt.MapClaims{})
	// ok: go-jwt-unverified-or-none
	verified, _ := jwt.Parse(tokenString, keyFunc, jwt.WithValidMethods([]string{"HS256"}))
	_, _ = tok, verified
}

func cookies(w http.ResponseWriter, c *gin.Context, sid string) {
	// ruleid: go-cookie-insecure-flags
	http.SetCookie(w, &http.Cookie{Name: "session", Value: sid, Secure: false, HttpOnly: true})
	// ruleid: go-cookie-insecure-flags
	c.SetCookie("session", sid, 3600, "/", "example.com", true, false)
	// ok: go-cookie-insecure-flags
	http.SetCookie(w, &http.Cookie{Name: "session", Value: sid, Secure: true, HttpOnly: true})
	// ok: go-cookie-insecure-flags
	c.SetCookie("session", sid, 3600, "/", "example.com", true, true)
}

func cors(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-cors-reflects-any-origin
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	// ok: go-cors-reflects-any-origin
	w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
}

func mode() {
	// ruleid: go-gin-debug-mode
	gin.SetMode(gin.DebugMode)
	// ok: go-gin-debug-mode
	gin.SetMode(gin.ReleaseMode)
}
