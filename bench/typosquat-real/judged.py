#!/usr/bin/env python3
"""Turns the candidate list (candidates.py output) into malicious.tsv, with the judgements made
by reading it: names judged NOT to imitate the listed package (REJECT), corrected targets
(TARGET), and affix imitations found among the lower-similarity candidates (ADD). Each row
keeps its MAL id; `split` is `dev` or `held-out` (by a hash of the target, so every squat of a target is in the same split) so signals tuned on dev
can be checked on names they were not tuned on.

usage: python3 bench/typosquat-real/judged.py /tmp/cands.tsv > bench/typosquat-real/malicious.tsv
"""
import hashlib, sys

REJECT = set("""
a1rn adcontrol adurl autorequirements cccontrol controlcc controlcv controlmc controlre controlvm
recontrol cvcontrol color-fade colorfade coloreq colorized cpupy cvint encodecpu feur getgame
grandmc randmc hase http3-client http3client http3clientpy httpmine httpre httpxs hypedrop
libcrypt libig loadlib lofter mult-flow networkfix osintver peppyw peptool pipre postget postre
print-django print-pip py-adgame py-adtool py-c0ard py-cird py-cocd py-crd py-gamecv
py-json-formatter py-libvm py-repull py-visaad py-visapyw pyclack pyg-utils pylibcrypt pylibsql
pylioner pymaniac pyou pyowler pypip pyporoxy pyproof pyproxyx pystiles pysubprocess
pythonpathenv pywint pywmc pywtool pywvisa qrbarcodegen randomgame readychars readycharz ropython
si-python splitver styler supercv test-async tls-python tlsclient-api tpadtool tprerelib
tprocessing urlpyw verpy zlibsrc zproxy zproxy2 getmc neftron requirementstxtx requirementstxxt
requiremmentstxt requirmentstxtt requiurementstxt alcloud-credentials gpt-requests tgrequest
tgrequests pycerial requstsss requstsssq
5string 6ini 9args @adnovum-eslint/eslint-plugin ac-deferred ac-event-emitter acookie ae-global
apirsagenerator apl-client apl-validator apm-web-vitals ati-youtube-player
azure-storage-common-cpp azure-function-test babel-transformer buffer-ex by-logger chancets
code-versions color2.0 colorred colors-main colors-names colors-rgb colors-support colunif
common-tasks config-storages cz-ifood-conventional-changelog dependency-ab djstream
dot-environment dr-json en-node-gyp-build enden environment-ebay eslint-config-bragi
eslint-config-hwit eslint-config-keep eslint-config-lotus eslint-config-promo eslint-config-rol
eslint-config-ufb eslint-config1 eslint-plugin-artsy eslint-plugin-blade eslint-plugin-cas
eslint-plugin-indeed eslint-plugin-kavak eslint-plugin-pan eslint-plugin-seller-ui-eslint-plugin
eslint-plugin-zammad eventgrid expect-rn fc-cookie fc-dropdown fc-scroll fc-switch fi-connect
formated gatsby-plugin-wts gd-config gd-eslint goprocess gp-colors gradient-tiny graphql-ms
headcache internallib iv-build-utils iv-node-fetch jquery-lh js-cookie-parser karma-cuj-reporter
lc-config lwc-jest-serializer miro-api-clients misk-tailwind-css native-svg nlp-react-native
o-ads o-header ota-generator package-ion pc-web_socket plain-function prism-jest ps-bootstrap
ps-react-bootstrap qtt ravi-test react-devtools-timeline react-solid react-pop-tooltip
react-fe-bootstrap react-intl-cdo resize-observe scuid-x sdomino sp-bootstrap sq-table stripe-ms
test-container-utils test-npm-lifecycle titles toprimitive vr-webpack vro-language-server
web3_socket wf-react-day-picker wf_scheduler win-regi wm-babel-runtime wm-jquery wmreact-spinner
xo-locale y-dot yoga-layout-bf zmsqlite3 cleansheet crosse ndent objectish mdfile reamd shda miem
amplitude-ts inxi
""".split())

TARGET = {
    "bop-utils": "bip-utils", "bpi-utils": "bip-utils", "bup-utils": "bip-utils",
    "sys-selenium": "selenium", "yper": "vyper", "pygamee": "pygame", "tensorflwo": "tensorflow",
    "progressba2r": "progressbar2", "websockest": "websockets", "pandsa": "pandas",
    "pycryptography": "cryptography", "lodash-utils": "lodash", "colors-1.0": "colors",
    "colors-3.0": "colors", "colorajs": "colors", "color2.0": "colors", "chartjs-2": "chart.js",
    "pydistlib": "distlib", "httpxc": "httpx",
}

ADD = [  # (name, target): affix imitations read among the lower-similarity candidates
    ("aliyun-oss2", "oss2"), ("chromeselenium", "selenium"), ("cryptographylibary", "cryptography"),
    ("discordpy-updated", "discord-py"), ("fakerv2", "faker"), ("fastapi-https", "fastapi"),
    ("httpx-advanced", "httpx"), ("httpx-advanced2", "httpx"), ("httpx-advanced3", "httpx"),
    ("httpxboost", "httpx"), ("httpxhelp", "httpx"), ("httpxmodifier", "httpx"),
    ("httpxrequester", "httpx"), ("httpxrequesterv2", "httpx"), ("httpxv2", "httpx"),
    ("httpxv3", "httpx"), ("install-pytest", "pytest"), ("install-pyyaml", "pyyaml"),
    ("numpy-req", "numpy"), ("pipcryptographylibaryv2", "cryptography"),
    ("pipcryptographylibraryv2", "cryptography"), ("pipcryptographylibv1", "cryptography"),
    ("pycryptolibary", "pycrypto"), ("pycryptolibrary", "pycrypto"), ("pycryptolibv2", "pycrypto"),
    ("pygame-install", "pygame"), ("pyhttpxhelp", "httpx"), ("pyhttpxhelper", "httpx"),
    ("pythonhttpx", "httpx"), ("pythoncryptographypackage", "cryptography"),
    ("requests-http", "requests"), ("requests-https", "requests"), ("requests-latest", "requests"),
    ("requests-upgrade", "requests"), ("requestspro", "requests"), ("seleniumwebdriver", "selenium"),
    ("sqlalchemy-install", "sqlalchemy"), ("stripe-client", "stripe"), ("stripe-client-py", "stripe"),
    ("update-requests", "requests"), ("upggrade-requests", "requests"),
    ("upgrade-requestss", "requests"), ("web3-essential", "web3"), ("easyrequests", "requests"),
    ("pygame-print", "pygame"), ("discordpy-bypass", "discord-py"),
]

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by_name = {r[3]: r for r in rows}
out = []
for eco, mid, date, name, best, ratio, contained in rows:
    if int(ratio) < 85 or name in REJECT:
        continue
    out.append((mid, eco, name, TARGET.get(name, best), date))
for name, target in ADD:
    eco, mid, date = by_name[name][:3]
    out.append((mid, eco, name, target, date))
print("# id\tecosystem\tname\ttarget\tpublished\tsplit")
for mid, eco, name, target, date in sorted(out, key=lambda r: (r[1], r[2])):
    split = "held-out" if hashlib.sha256(target.lower().encode()).digest()[0] % 4 == 0 else "dev"
    print(f"{mid}\t{eco}\t{name}\t{target}\t{date}\t{split}")
