package dev.sigstack.core.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class H2UrlsTest {
    @Test
    void durable_fileUrl_getsWriteDelayZero() {
        assertEquals("jdbc:h2:file:/d/tlog;WRITE_DELAY=0", H2Urls.durable("jdbc:h2:file:/d/tlog"));
        assertEquals("jdbc:h2:file:/d/m;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0",
                H2Urls.durable("jdbc:h2:file:/d/m;DB_CLOSE_ON_EXIT=FALSE;"));
    }

    @Test
    void durable_memoryUrlAndExplicitZero_unchanged() {
        assertEquals("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", H2Urls.durable("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertEquals("jdbc:h2:file:/d/t;write_delay = 0", H2Urls.durable("jdbc:h2:file:/d/t;write_delay = 0"));
    }

    @Test
    void durable_anotherWriteDelay_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> H2Urls.durable("jdbc:h2:file:/d/t;Write_Delay=500"));
        assertTrue(e.getMessage().contains("Write_Delay=500"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> H2Urls.durable("jdbc:h2:file:/d/t;WRITE_DELAY"));
        assertThrows(IllegalArgumentException.class, () -> H2Urls.durable("jdbc:postgresql://h/db"));
    }
}
