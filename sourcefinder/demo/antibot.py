# ruff: noqa: E101 (the pages are verbatim, with their mixed tabs and spaces)
"""The anti-bot walls the demo server returns when asked to (``DemoServer(wall_every=N)``).

Verbatim copies of real pages: /work/shared/fixtures/real-pages/1688/antibot_login_jump_from_offer_search.html
and .../taobao/antibot_tmall_detail_login_jump.html (tokens were redacted at the source). Both carry the
``_____tmd_____/page/login_jump`` redirect and the ``<!--rgv587_flag:sm-->`` marker.
"""

FACTORY_WALL = r"""

<a id="a-link"></a>
<script charset="utf-8" src="https://g.alicdn.com/mtb/lib-windvane/3.0.6/windvane.js" crossorigin></script>
<script>
  localStorage.x5referer = window.location.href;
  var link = document.getElementById("a-link");
  var isMobile = navigator.userAgent.match(/.*(iPhone|iPad|Android|ios|SymbianOS|Windows Phone).*/i);
  var isHarmony = navigator.userAgent.match(/ArkWeb/i);
  var host = (isMobile || isHarmony) ? "https://login.1688.com/member/signin.htm?from=sm&Done=" : "https://login.1688.com/member/signin.htm?from=sm&Done=";
  try {
	var hostValue = window.location.host;
	var parts = hostValue && hostValue.split('.');
	var exp = new Date();
	var maxAge = -100;
	exp.setTime(exp.getTime() + maxAge);
	var cookie = 'x5secdata=;maxAge=' + maxAge + ';expires=' + exp.toUTCString() + ';path=/;domain=.' + parts.slice(-2).join('.') + ';';
	document.cookie = cookie;
	document.cookie = cookie + 'Secure;SameSite=None';
  } catch(e) {}
  var jump = "https%3a%2f%2fs.1688.com:443/selloffer/offer_search.htm%2F_____tmd_____%2Fpage%2Flogin_jump%3Frand%3DREDACTED%26_lgt_%3DREDACTED%26uuid%3DREDACTED";
  link.href = host + jump;
  if (window.themis && window.WindVane && !isHarmony) {
    window.WindVane.call('aluWVJSBridge', 'sdkLogin', {}, function(e) {
  		window.addEventListener('pageshow', function(event) {
        	if (event.persisted) {
  				localStorage.x5referer = "";
          		window.location.reload();
        	}
        });
  		window.location.href = decodeURIComponent(jump);
  	}, function(e) {
  		console.log(e);
  		link.click();
  	});
  } else {
  	link.click();
  }
 window._config_ = {
   "action": "login",
   "url": "https://login.taobao.com/member/login.jhtml?from=sm&newMini2=true&style=b2b&full_redirect=false&redirectURL=https%3a%2f%2fs.1688.com:443/selloffer/offer_search.htm%2F_____tmd_____%2Fpage%2Fclose_iframe_page%3Frand%3DREDACTED%26uuid%3DREDACTED%26_lgt_%3DREDACTED",
   "h5url": "https://login.1688.com/member/signin.htm?from=sm&Done=https%3a%2f%2fs.1688.com:443/selloffer/offer_search.htm%2F_____tmd_____%2Fpage%2Fclose_iframe_page%3Frand%3DREDACTED%26uuid%3DREDACTED%26_lgt_%3DREDACTED",
   "dialogSize": {"width": "", "height": ""}
};
</script>
<!--rgv587_flag:sm-->"""

RETAIL_WALL = r"""
<a id="a-link"></a>
<script charset="utf-8" src="https://g.alicdn.com/mtb/lib-windvane/3.0.6/windvane.js" crossorigin></script>
<script>
  localStorage.x5referer = window.location.href;
  var link = document.getElementById("a-link");
  var isMobile = navigator.userAgent.match(/.*(iPhone|iPad|Android|ios|SymbianOS|Windows Phone).*/i);
  var isHarmony = navigator.userAgent.match(/ArkWeb/i);
  var host = (isMobile || isHarmony) ? "https://login.m.taobao.com/login.htm?from=sm&ttid=h5@iframe&redirectURL=" : "https://login.taobao.com/member/login.jhtml?redirectURL=";
  try {
	var hostValue = window.location.host;
	var parts = hostValue && hostValue.split('.');
	var exp = new Date();
	var maxAge = -100;
	exp.setTime(exp.getTime() + maxAge);
	var cookie = 'x5secdata=;maxAge=' + maxAge + ';expires=' + exp.toUTCString() + ';path=/;domain=.' + parts.slice(-2).join('.') + ';';
	document.cookie = cookie;
	document.cookie = cookie + 'Secure;SameSite=None';
  } catch(e) {}
  var jump = "https%3a%2f%2fdetail.tmall.com:443/wow/z/app/tbpc/pc-detail-ssr-2025/home%2F_____tmd_____%2Fpage%2Flogin_jump%3Frand%3DREDACTED%26_lgt_%3DREDACTED%26uuid%3DREDACTED";
  link.href = host + jump;
  if (window.themis && window.WindVane && !isHarmony) {
    window.WindVane.call('aluWVJSBridge', 'sdkLogin', {}, function(e) {
  		window.addEventListener('pageshow', function(event) {
        	if (event.persisted) {
  				localStorage.x5referer = "";
          		window.location.reload();
        	}
        });
  		window.location.href = decodeURIComponent(jump);
  	}, function(e) {
  		console.log(e);
  		link.click();
  	});
  } else {
  	link.click();
  }
 window._config_ = {
   "action": "login",
   "url": "https://login.taobao.com/member/login.jhtml?style=mini&newMini2=true&from=sm&full_redirect=false&redirectURL=https%3a%2f%2fdetail.tmall.com:443/wow/z/app/tbpc/pc-detail-ssr-2025/home%2F_____tmd_____%2Fpage%2Fclose_iframe_page%3Frand%3DREDACTED%26uuid%3DREDACTED%26_lgt_%3DREDACTED",
   "h5url": "https://login.m.taobao.com/login.htm?from=sm&ttid=h5@iframe&redirectURL=https%3a%2f%2fdetail.tmall.com:443/wow/z/app/tbpc/pc-detail-ssr-2025/home%2F_____tmd_____%2Fpage%2Fclose_iframe_page%3Frand%3DREDACTED%26uuid%3DREDACTED%26_lgt_%3DREDACTED",
   "dialogSize": {"width": "", "height": ""}
};
</script>
<!--rgv587_flag:sm-->"""
